/// TRANSLATE, which every design has (`domain/proposals.md` §4): a DMA by a device at an IOVA,
/// walked through the table routing (device, PASID). One row, one parser and one printer for
/// every design's operation type.
public struct DMARequest: Hashable, Sendable {
    public var device: Int
    public var pasid: UInt32
    public var iova: UInt64
    public var access: Access

    public init(device: Int, pasid: UInt32 = 0, iova: UInt64, access: Access) {
        self.device = device
        self.pasid = pasid
        self.iova = iova
        self.access = access
    }

    public static let spec = OperationSpec("TRANSLATE", ["dev": .device, "pasid": .u32, "iova": .u64, "access": .access],
                                           outputs: ["page", "refs"], "a DMA from the device: walk the table routing (device, PASID)",
                                           isAccess: true)

    /// From a step's fields (`dev=` is required; `access=` reads by default).
    public init?(_ args: [String: ArgValue]) {
        guard case .device(let d)? = args["dev"] else { return nil }
        var pasid: UInt32 = 0
        if case .number(let p)? = args["pasid"] { pasid = UInt32(truncatingIfNeeded: p) }
        var iova: UInt64 = 0
        if case .number(let v)? = args["iova"] { iova = v }
        var access = Access.read
        if case .access(let a)? = args["access"] { access = a }
        self.init(device: d, pasid: pasid, iova: iova, access: access)
    }

    public func arguments(_ topology: Topology) -> [(String, ArgumentText)] {
        var out: [(String, ArgumentText)] = [("dev", .word(topology.devices[device].name))]
        if pasid != 0 { out.append(("pasid", .number(UInt64(pasid)))) }
        return out + [("iova", .address(iova)), ("access", .word(access.rawValue))]
    }
}
