/// An operation type whose every kind has one catalog row: the uAPI name, the fields with their
/// kinds, the outputs and a summary. Parsing, printing, coverage indices and `modelcheck list` are
/// all read from the rows, so there is no second list to keep in step.
public protocol CatalogOperation: Hashable, Sendable {
    /// One case per row, in catalog order; its raw value is the row's index (assigned by the
    /// compiler: cases are never numbered by hand).
    associatedtype Kind: CaseIterable, Hashable, Sendable, RawRepresentable where Kind.RawValue == Int

    static var catalog: OperationCatalog<Self> { get }
    /// The row this operation is an instance of.
    var kind: Kind { get }
    /// The operation a step of `kind` with these field values stands for (fields not written are
    /// zero, as in a zeroed uAPI struct); nil when a required field is missing.
    init?(kind: Kind, arguments: [String: ArgValue])
    /// The fields as a scenario writes them, in row order (defaults left out), so that a printed
    /// trace pastes back into a model file.
    func arguments(_ topology: Topology) -> [(String, ArgumentText)]
}

extension CatalogOperation {
    /// The uAPI name.
    public var name: String { Self.catalog.spec(kind).name }

    /// The operation as a scenario step writes it (`NAME field=value…`).
    public func scenarioText(_ topology: Topology) -> String {
        ([name] + arguments(topology).map { "\($0.0)=\($0.1.text)" }).joined(separator: " ")
    }
}

/// The rows of an operation type, built once from its `Kind` cases.
public struct OperationCatalog<Operation: CatalogOperation>: Sendable {
    public let specs: [OperationSpec]

    public init(_ row: (Operation.Kind) -> OperationSpec) {
        specs = Operation.Kind.allCases.map(row)
    }

    public func spec(_ kind: Operation.Kind) -> OperationSpec { specs[kind.rawValue] }
}

extension ArgumentText {
    /// The value a scenario step with this text in a field of `kind` would give: how a printed
    /// trace is read back.
    public func value(as kind: FieldKind, _ topology: Topology) -> ArgValue? {
        switch (self, kind) {
        case (.number(let n), .u32), (.number(let n), .u64), (.number(let n), .flags),
             (.address(let n), .u32), (.address(let n), .u64), (.address(let n), .flags):
            return .number(n)
        case (.signed(let n), .signed): return .signed(n)
        case (.number(let n), .signed): return n <= UInt64(Int64.max) ? .signed(Int64(n)) : nil
        case (.addresses(let a), .array): return .array(a)
        case (.word(let w), .device): return topology.devices.firstIndex { $0.name == w }.map(ArgValue.device)
        case (.word(let w), .group): return topology.groups.firstIndex(of: w).map { .number(UInt64($0)) }
        case (.word(let w), .container): return topology.containers.firstIndex(of: w).map { .number(UInt64($0)) }
        case (.word(let w), .iommu): return topology.iommus.firstIndex { $0.name == w }.map { .number(UInt64($0)) }
        case (.word(let w), .preset): return FormatPreset(rawValue: w).map(ArgValue.preset)
        case (.word(let w), .access): return Access(rawValue: w).map(ArgValue.access)
        case (.word(let w), .u32), (.word(let w), .u64), (.word(let w), .flags):
            var total: UInt64 = 0
            for term in w.split(separator: "|") {
                if let c = IOMMUFDConstants.named[String(term)] { total |= c; continue }
                guard case .success(let v) = NumberLiteral.parse(term) else { return nil }
                total |= v
            }
            return .number(total)
        default: return nil
        }
    }
}

extension CatalogOperation {
    /// The operation read back from its printed fields, as a pasted trace step would be: equal
    /// to `self` for every operation a trace can print.
    public func reparsed(_ topology: Topology) -> Self? {
        let spec = Self.catalog.spec(kind)
        var args: [String: ArgValue] = [:]
        for (name, text) in arguments(topology) {
            guard let kind = spec.fields[name], let value = text.value(as: kind, topology) else { return nil }
            args[name] = value
        }
        return Self(kind: kind, arguments: args)
    }
}

/// How a field of an operation is written in a model file.
public enum FieldKind: Hashable, Sendable {
    case u32, u64
    /// `A|B|C` of constant names or numbers.
    case flags
    /// A device name (`dev=`).
    case device
    /// A signed number (`iommufd=-1`).
    case signed
    /// A comma list of numbers, parallel across the op's array fields.
    case array
    /// A format preset name (`s1_format=`).
    case preset
    /// `read` or `write`.
    case access
    /// A group name (`group=`), resolved to its index.
    case group
    /// A container name (`container=`), resolved to its index.
    case container
    /// An IOMMU name (`iommu=`), resolved to its index.
    case iommu
}

/// The language-facing description of one operation: its uAPI name, fields and outputs, for
/// the parser, `modelcheck list` and the explorer's coverage.
public struct OperationSpec: Hashable, Sendable {
    public var name: String
    public var fields: [String: FieldKind]
    /// Field order for `list` and traces.
    public var fieldOrder: [String]
    public var outputs: [String]
    public var summary: String
    /// Whether the operation is a DMA: its result may be `FAULT` or the address it reached.
    public var isAccess = false

    public init(_ name: String, _ fields: KeyValuePairs<String, FieldKind>, outputs: [String] = [], _ summary: String,
                isAccess: Bool = false) {
        self.isAccess = isAccess
        self.name = name
        self.fields = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) })
        self.fieldOrder = fields.map(\.key)
        self.outputs = outputs
        self.summary = summary
    }
}

/// A field value after names were resolved.
public enum ArgValue: Hashable, Sendable {
    case number(UInt64)
    case signed(Int64)
    case array([UInt64])
    case preset(FormatPreset)
    case access(Access)
    case device(Int)
}
