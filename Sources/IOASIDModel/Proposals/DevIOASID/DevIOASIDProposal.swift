/// The /dev/ioasid RFC (`domain/proposals.md` S5).
public struct DevIOASIDProposal: MachineProposal {
    public var core: MachineCore
    public init(core: MachineCore) { self.core = core }

    public static let proposalName = ProposalName.devIOASID
    public static let groups: [ExploreGroup] = [
        ExploreGroup("bind", "JOIN_IOASID_FD", isDefault: true),
        ExploreGroup("ioas", "IOASID_ALLOC", isDefault: true),
        ExploreGroup("destroy", "IOASID_FREE", isDefault: true),
        ExploreGroup("map", "IOASID_MAP_DMA over the (IOVA, length) pairs", isDefault: true),
        ExploreGroup("unmap", "IOASID_UNMAP_DMA over the pairs", isDefault: true),
        ExploreGroup("attach", "ATTACH_IOASID, ATTACH_IOASID_PASID and DETACH_IOASID", isDefault: true),
        ExploreGroup("hwpt", "IOASID_ALLOC_PASID / IOASID_FREE_PASID", isDefault: true),
        ExploreGroup("allow-iovas", "IOASID_SET_WINDOW"),
        ExploreGroup("nested", "IOASID_CREATE_NESTING"),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [
        ObjectKind("ioas", "IOASIDs"), ObjectKind("hwpt", "their domains"), ObjectKind("device", "joined devices"),
        ObjectKind("domain", "hardware domains"), ObjectKind("fd", "ioasid fds (the VMs)"),
    ]

    public func actions(of state: IOMMUFDState, into out: inout [IOMMUFDOperation]) { core.space.devIOASIDActions(state, into: &out) }

    // The hot path for this design's own types (see `MachineCore`).
    public func successor(of state: IOMMUFDState, after op: IOMMUFDOperation, coverage: Coverage<IOMMUFDOperation>) -> IOMMUFDState? {
        core.successor(of: state, after: op, coverage: coverage)
    }
    public func violation(of name: InvariantName, in state: IOMMUFDState) -> Violation? { core.violation(of: name, in: state) }
    public func fingerprint(of state: IOMMUFDState, symmetric: Bool) -> UInt64 { core.fingerprint(of: state, symmetric: symmetric) }
}
