/// The VFIO type1 container (`domain/proposals.md` S1), over iommufd's io_pagetable code.
public struct VFIOType1Proposal: MachineProposal {
    public var core: MachineCore
    public init(core: MachineCore) { self.core = core }

    public static let proposalName = ProposalName.vfioType1
    public static let features: Set<ModelFeature> = [.containers]

    /// `VFIO_SET_IOMMU arg=` is whatever `type1-version` says on each side.
    public static func diffKey(_ op: IOMMUFDOperation) -> IOMMUFDOperation {
        if case .vfioSetIOMMU = op { return .vfioSetIOMMU(type: 0) }
        return op
    }
    public static let groups: [ExploreGroup] = [
        ExploreGroup("attach", "VFIO_GROUP_SET_CONTAINER for every group", isDefault: true),
        ExploreGroup("ioas", "VFIO_SET_IOMMU with the type type1-version names", isDefault: true),
        ExploreGroup("map", "VFIO_IOMMU_MAP_DMA over the (IOVA, length) pairs, read+write and read-only", isDefault: true),
        ExploreGroup("unmap", "VFIO_IOMMU_UNMAP_DMA over the pairs, and UNMAP_ALL", isDefault: true),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [
        ObjectKind("ioas", "the container's address space"), ObjectKind("hwpt", "the container's domains"),
        ObjectKind("device", "devices"), ObjectKind("domain", "hardware domains"),
    ]
}
