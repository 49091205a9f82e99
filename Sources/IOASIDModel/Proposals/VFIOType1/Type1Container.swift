/// The VFIO type1 container of proposal `vfio-type1` (`domain/proposals.md` S1): the groups added
/// to it, and once `VFIO_SET_IOMMU` chose a type, its address space.
///
/// The container's address space is an IOAS of the same machine: its areas are type1's tracked
/// mappings (`struct vfio_dma`, one per MAP_DMA) and its automatic HWPTs are type1's domain list —
/// a group behind an IOMMU that cannot share an existing domain gets a new one, and every mapping
/// is replayed into it (`vfio_iommu_replay`), which is what the IOAS's domain filling does. What
/// tells `vfio_iommu_type1.c`, iommufd's `vfio_compat.c` and the naive design apart is the knob
/// `type1-impl` (see `IOMMUFD+Type1.swift`).
public struct Type1Container: Hashable, Sendable {
    /// Topology groups added by `VFIO_GROUP_SET_CONTAINER`, ascending.
    public var groups: [UInt16] = []
    /// The IOAS object behind the container, 0 until `VFIO_SET_IOMMU`.
    public var ioasID: UInt32 = 0
    /// The type `VFIO_SET_IOMMU` chose, nil before.
    public var version: IOMMUFDConfig.Type1Version?

    public init() {}

    public var isSet: Bool { version != nil }
}
