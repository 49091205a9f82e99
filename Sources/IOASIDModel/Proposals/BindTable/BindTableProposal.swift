/// Bind a PASID table vs bind page tables, with memreserve (`domain/proposals.md` S3).
public struct BindTableProposal: MachineProposal {
    public var core: MachineCore
    public init(core: MachineCore) { self.core = core }

    public static let proposalName = ProposalName.bindTable
    public static let features: Set<ModelFeature> = [.implicitContainer]
    public static let groups: [ExploreGroup] = [
        ExploreGroup("bind", "BIND_PASID_TABLE", isDefault: true),
        ExploreGroup("attach", "GUEST_SET_PASID_ENTRY and ATTACH_PASID", isDefault: true),
        ExploreGroup("map", "stage 2: VFIO_IOMMU_MAP_DMA (iova = GPA) and VIRTIO_IOMMU_T_MEMRESERVE", isDefault: true),
        ExploreGroup("unmap", "stage 2: VFIO_IOMMU_UNMAP_DMA and VIRTIO_IOMMU_T_RECLAIM", isDefault: true),
        ExploreGroup("hwpt", "VIRTIO_IOMMU_T_ADD_TABLE / REMOVE_TABLE", isDefault: true),
        ExploreGroup("nested", "the guest's GUEST_S1_MAP dev= pasid="),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = []
}
