/// The in-kernel IOMMU API of 2015 (`domain/proposals.md` S2).
public struct IOMMUAPIProposal: MachineProposal {
    public var core: MachineCore
    public init(core: MachineCore) { self.core = core }

    public static let proposalName = ProposalName.iommuAPI
    public static let groups: [ExploreGroup] = [
        ExploreGroup("ioas", "iommu_domain_alloc for every IOMMU", isDefault: true),
        ExploreGroup("attach", "iommu_attach_device / iommu_detach_device of every device to every domain", isDefault: true),
        ExploreGroup("map", "iommu_map over the (IOVA, length) pairs", isDefault: true),
        ExploreGroup("unmap", "iommu_unmap over the pairs", isDefault: true),
        ExploreGroup("destroy", "iommu_domain_free", isDefault: true),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [ObjectKind("domain", "domains")]
}
