/// What an IOMMU with dirty tracking records for one domain (`domain/iommufd.md` §5.2), and the
/// ghost state the `dirty` invariant reads.
///
/// Hardware: while tracking is enabled (`IOMMU_HWPT_SET_DIRTY_TRACKING`), a DMA write that walks
/// the table sets the dirty bit of the leaf PTE it went through; `bits` are those leaves' ranges.
/// A write that hits an IOTLB entry already marked dirty does not walk, and sets nothing: that is
/// why the kernel syncs the IOTLB after clearing bits (`iommu_read_and_clear_dirty`).
///
/// Ghost: `owed` are the leaves written while tracking stayed enabled, still mapped and not yet
/// reported by a clearing bitmap read; `missed` is the first one a successful read failed to
/// report (the live-migration promise broken: that page would not be copied again).
public struct DirtyLog: Hashable, Sendable {
    public var enabled = false
    public var bits: [IOVARange] = []
    public var owed: [IOVARange] = []
    public var missed: IOVARange?

    public init() {}

    /// A DMA write through the leaf `leaf`; `setsBit` says whether the hardware walked to set
    /// the PTE's dirty bit (false for a write through an IOTLB entry already marked dirty).
    mutating func recordWrite(_ leaf: IOVARange, setsBit: Bool) {
        guard enabled else { return }
        if setsBit { Self.insert(leaf, into: &bits) }
        Self.insert(leaf, into: &owed)
    }

    /// Writes through many leaves at once (the selftest's dirty-bit setter): each sets its bit,
    /// merged in one pass rather than one insertion each.
    mutating func recordWrites(_ leaves: [IOVARange]) {
        guard enabled, !leaves.isEmpty else { return }
        bits = Self.merging(bits, leaves)
        owed = Self.merging(owed, leaves)
    }

    /// `list` with `added` inserted as `insert` would one by one: a new leaf replaces the recorded
    /// ones it overlaps.
    static func merging(_ list: [IOVARange], _ added: [IOVARange]) -> [IOVARange] {
        let fresh = Array(Set(added)).sorted()
        var out: [IOVARange] = []
        out.reserveCapacity(list.count + fresh.count)
        var k = 0
        for r in list {
            while k < fresh.count, fresh[k].last < r.first { out.append(fresh[k]); k += 1 }
            if k < fresh.count, fresh[k].intersects(r) { continue }
            out.append(r)
        }
        out.append(contentsOf: fresh[k...])
        out.sort()
        var merged: [IOVARange] = []
        for r in out where merged.last != r { merged.append(r) }
        return merged
    }

    /// Forgets bits and debts within `range` (an unmapped area: the pages left the IOAS).
    mutating func drop(_ range: IOVARange) {
        bits.removeAll { $0.intersects(range) }
        owed.removeAll { $0.intersects(range) }
    }

    /// Adds `range` to a sorted list of disjoint leaf ranges (a leaf is recorded once).
    static func insert(_ range: IOVARange, into list: inout [IOVARange]) {
        guard !list.contains(range) else { return }
        list.removeAll { $0.intersects(range) }
        list.insert(range, at: list.firstIndex { $0.first > range.first } ?? list.count)
    }

    var isEmpty: Bool { !enabled && bits.isEmpty && owed.isEmpty && missed == nil }
}
