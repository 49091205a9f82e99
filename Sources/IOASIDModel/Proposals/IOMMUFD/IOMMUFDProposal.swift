/// iommufd as merged (`domain/proposals.md` S7).
public struct IOMMUFDProposal: MachineProposal {
    public var core: MachineCore
    public init(core: MachineCore) { self.core = core }

    public static let proposalName = ProposalName.iommufd
    public static let groups: [ExploreGroup] = [
        ExploreGroup("ioas", "IOMMU_IOAS_ALLOC", isDefault: true),
        ExploreGroup("map", "IOMMU_IOAS_MAP at a fixed IOVA over the (IOVA, length) pairs", isDefault: true),
        ExploreGroup("unmap", "IOMMU_IOAS_UNMAP over the pairs, and unmap-all", isDefault: true),
        ExploreGroup("hwpt", "IOMMU_HWPT_ALLOC (paging; nest parents with 'nested')", isDefault: true),
        ExploreGroup("bind", "VFIO_DEVICE_BIND_IOMMUFD", isDefault: true),
        ExploreGroup("attach", "VFIO_DEVICE_ATTACH/DETACH_IOMMUFD_PT, at the RID and the explored PASIDs", isDefault: true),
        ExploreGroup("close", "closing a device fd", isDefault: true),
        ExploreGroup("destroy", "IOMMU_DESTROY", isDefault: true),
        ExploreGroup("copy", "IOMMU_IOAS_COPY between IOASes"),
        ExploreGroup("allow-iovas", "IOMMU_IOAS_ALLOW_IOVAS"),
        ExploreGroup("option", "IOMMU_OPTION HUGE_PAGES"),
        ExploreGroup("auto-map", "IOMMU_IOAS_MAP at an automatic IOVA"),
        .translate,
        ExploreGroup("nested", "nest parents, HWPT_NESTED and the guest's GUEST_S1_MAP/UNMAP"),
    ]
    public static let objectKinds: [ObjectKind] = [
        ObjectKind("ioas", "IOASes"), ObjectKind("hwpt", "HWPTs"), ObjectKind("device", "bound devices"),
        ObjectKind("domain", "hardware domains"), ObjectKind("pasid", "attached PASIDs"),
        ObjectKind("fault", "fault queues", isExplored: false), ObjectKind("viommu", "vIOMMUs", isExplored: false),
    ]

    // The hot path for this design's own types (see `MachineCore`).
    public func successor(of state: IOMMUFDState, after op: IOMMUFDOperation, coverage: Coverage<IOMMUFDOperation>) -> IOMMUFDState? {
        core.successor(of: state, after: op, coverage: coverage)
    }
    public func violation(of name: InvariantName, in state: IOMMUFDState) -> Violation? { core.violation(of: name, in: state) }
    public func fingerprint(of state: IOMMUFDState, symmetric: Bool) -> UInt64 { core.fingerprint(of: state, symmetric: symmetric) }
}
