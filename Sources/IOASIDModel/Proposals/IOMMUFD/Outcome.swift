/// What an operation returned: success with its outputs, an errno (some ioctls write outputs on
/// failure too), or for a DMA the address reached or the fault.
public struct Outcome: Hashable, Sendable {
    public enum Status: Hashable, Sendable {
        case ok
        case errno(Errno)
        case address(UInt64)
        case fault(stage: Int, level: Int)
    }

    public var status: Status
    /// Output fields by uAPI name (`out_ioas_id`, `iova`, `length`, `num_iovas`, …), in the order
    /// the struct has them. TRANSLATE reports `page` and `refs`.
    public var outputs: [OutputField]
    /// The principal output that `NAME =` binds in a scenario.
    public var principal: UInt64?

    public init(_ status: Status, outputs: [OutputField] = [], principal: UInt64? = nil) {
        self.status = status
        self.outputs = outputs
        self.principal = principal
    }

    public static let ok = Outcome(.ok)
    public static func errno(_ e: Errno, outputs: [OutputField] = []) -> Outcome { Outcome(.errno(e), outputs: outputs) }

    public var isSuccess: Bool {
        switch status {
        case .ok, .address: return true
        case .errno, .fault: return false
        }
    }

    /// `ok`, the errno name, the address, or `FAULT`: the word a scenario's RESULT starts with.
    public var resultWord: String {
        switch status {
        case .ok: return "ok"
        case .errno(let e): return e.name
        case .address(let a): return SizeText.hex(a)
        case .fault: return "FAULT"
        }
    }

    public func output(_ name: String) -> OutputValue? { outputs.first { $0.name == name }?.value }
}

/// One output field.
public struct OutputField: Hashable, Sendable {
    public var name: String
    public var value: OutputValue
    public init(_ name: String, _ value: OutputValue) {
        self.name = name
        self.value = value
    }
}

/// An output value: a number or an array (the ranges of `IOMMU_IOAS_IOVA_RANGES`).
public enum OutputValue: Hashable, Sendable, CustomStringConvertible {
    case number(UInt64)
    case array([UInt64])

    public var description: String {
        switch self {
        case .number(let n): return n < 0x10000 ? String(n) : SizeText.hex(n)
        case .array(let a): return a.map { $0 < 0x10000 ? String($0) : SizeText.hex($0) }.joined(separator: ",")
        }
    }
}
