/// iommufd's `dirty` invariant, the live-migration promise of dirty tracking: a page written by
/// DMA while tracking stayed enabled, and still mapped, is reported by the next successful
/// `IOMMU_HWPT_GET_DIRTY_BITMAP` that covers it, unless an earlier clearing read already did.
///
/// The explorer cannot look back along a path, so the domain's `DirtyLog` carries the ghost
/// state: the leaves written and not yet reported (`owed`), and the first one a successful read
/// left out (`missed`). A VMM that trusts such a read copies the page no more, and the
/// destination runs with stale memory.
public enum DirtyInvariant {
    public static let declaration = DesignInvariant(
        "dirty", "a page written by DMA while dirty tracking stayed on, and still mapped, is in the next bitmap read that covers it")
    public static var name: InvariantName { declaration.name }

    public static func check(_ hardware: Hardware) -> Violation? {
        for d in hardware.domains where d.dirtyTracking {
            guard let missed = d.dirty.missed else { continue }
            return Violation(name, "a DMA write while dirty tracking was on is missing from a successful GET_DIRTY_BITMAP",
                             objects: ["domain \(d.id)"], address: missed.first,
                             expected: "the page reported dirty", found: "its dirty bit clear: the write went through an IOTLB entry that still claimed the bit was set")
        }
        return nil
    }
}
