/// VFIO_IOMMU_PASID_REQUEST (`domain/proposals.md` S4): system-wide PASIDs with a quota.
public struct VFIOPasidRequestProposal: MachineProposal {
    public var core: MachineCore
    public init(core: MachineCore) { self.core = core }

    public static let proposalName = ProposalName.vfioPasidRequest
    public static let features: Set<ModelFeature> = [.containers, .pasidQuota]
    public static let groups: [ExploreGroup] = [
        ExploreGroup("ioas", "VFIO_IOMMU_PASID_REQUEST flags=ALLOC", isDefault: true),
        ExploreGroup("destroy", "VFIO_IOMMU_PASID_REQUEST flags=FREE", isDefault: true),
        ExploreGroup("attach", "VFIO_IOMMU_BIND BIND_GUEST_PGTBL / UNBIND_GUEST_PGTBL", isDefault: true),
        .translate,
    ]
    public static let objectKinds: [ObjectKind] = [ObjectKind("pasid", "PASIDs the VM holds")]
}
