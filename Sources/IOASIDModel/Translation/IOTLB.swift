/// Who may invalidate a cached translation (`domain/translation.md` §5).
public enum IOTLBSource: UInt8, Hashable, Sendable {
    /// From a kernel-managed (paging) domain: every unmap removes it before returning.
    case kernel
    /// From a guest-owned stage 1: only `IOMMU_HWPT_INVALIDATE` on the nested HWPT removes it.
    case guest
}

/// The routing key a cached translation was filled under: a device (RID) and a PASID.
public struct RouteKey: Hashable, Sendable, Comparable {
    public var device: UInt32
    public var pasid: UInt32
    public init(device: UInt32, pasid: UInt32) {
        self.device = device
        self.pasid = pasid
    }
    public static func < (a: RouteKey, b: RouteKey) -> Bool { (a.device, a.pasid) < (b.device, b.pasid) }
}

/// A cached translation: the page of `pageSize` bytes at `iova` (aligned) of route `key`, filled
/// from the page table tagged `tag` (a domain or HWPT id chosen by the caller).
public struct IOTLBEntry: Hashable, Sendable {
    public var key: RouteKey
    public var tag: UInt32
    public var iova: UInt64
    public var pageSize: UInt64
    public var output: UInt64
    public var permissions: Permissions
    public var source: IOTLBSource
    /// Whether the IOMMU believes the leaf's dirty bit is set (it walked to set it on a write
    /// while dirty tracking was on): a later write through this entry does not walk again.
    public var dirty = false
    /// A combined (nested) entry's stage-1 part when it was filled: the GPA of its first byte and
    /// the stage-1 permissions. Whoever changed a table since is told apart by them: if stage 1
    /// still says this, a disagreement comes from stage 2, the host's to invalidate.
    public var gpa: UInt64 = 0
    public var stage1Permissions: Permissions = []
    /// Ghost: a guest's invalidation covering this entry was reported handled by the kernel but
    /// never reached the hardware. Stale then, it is the host's, not the guest's.
    public var dropped = false

    /// Whether the entry caches `address`.
    @inlinable public func covers(_ address: UInt64) -> Bool { address &- iova < pageSize }
}

/// A device-side translation cache (IOTLB / ATC) as a value, so that "no stale translation" can
/// be stated: every entry must agree with what the tables say now.
public struct IOTLB: Hashable, Sendable {
    /// Entries sorted by (key, iova); at most one entry covers a (key, address).
    public private(set) var entries: [IOTLBEntry] = []

    public init() {}

    /// A cache put back together from its entries, already in order (`IOMMUFDState+Codec.swift`).
    init(entries: [IOTLBEntry]) { self.entries = entries }

    /// Caches what a successful walk of `iova` on route `key` found, replacing any entry that
    /// overlaps the new page on that route.
    /// `stage1` is a nested walk's stage-1 result at `iova` (its GPA and permissions).
    public mutating func fill(key: RouteKey, tag: UInt32, iova: UInt64, translation: Translation, source: IOTLBSource, dirty: Bool = false,
                              stage1: Translation? = nil) {
        let base = iova & ~(translation.pageSize - 1)
        var entry = IOTLBEntry(key: key, tag: tag, iova: base, pageSize: translation.pageSize,
                               output: translation.output & ~(translation.pageSize - 1),
                               permissions: translation.permissions, source: source)
        entry.dirty = dirty
        if let stage1 {
            entry.gpa = stage1.output &- (iova - base)
            entry.stage1Permissions = stage1.permissions
        }
        entries.removeAll { $0.key == key && $0.iova < base &+ entry.pageSize && base < $0.iova &+ $0.pageSize }
        let at = entries.firstIndex { ($0.key, $0.iova) > (key, base) } ?? entries.count
        entries.insert(entry, at: at)
    }

    /// The cached translation of `address` on `key`, if any.
    public func lookup(key: RouteKey, address: UInt64) -> IOTLBEntry? {
        entries.first { $0.key == key && $0.covers(address) }
    }

    /// Marks the entry caching `address` on `key` as having set its leaf's dirty bit.
    public mutating func markDirty(key: RouteKey, address: UInt64) {
        if let i = entries.firstIndex(where: { $0.key == key && $0.covers(address) }) { entries[i].dirty = true }
    }

    /// Removes the entries filled from table `tag` that overlap `[iova, iova + length)`: the
    /// kernel's `iommu_iotlb_sync` after an unmap, or a ranged `IOMMU_HWPT_INVALIDATE`.
    public mutating func invalidate(tag: UInt32, iova: UInt64, length: UInt64) {
        entries.removeAll { $0.tag == tag && $0.iova < iova &+ length && iova < $0.iova &+ $0.pageSize }
    }

    /// Marks the entries `matching` as covered by an invalidation the kernel dropped.
    public mutating func markDropped(where matching: (IOTLBEntry) -> Bool) {
        for i in entries.indices where matching(entries[i]) { entries[i].dropped = true }
    }

    /// Removes the entries `matching` (a guest's invalidation that reached the hardware).
    public mutating func invalidate(where matching: (IOTLBEntry) -> Bool) {
        entries.removeAll(where: matching)
    }

    /// A copy with its own entry buffer.
    public func unshared() -> IOTLB {
        var t = IOTLB()
        t.entries = entries.map { $0 }
        return t
    }

    /// Renames the routing keys (symmetry reduction), keeping the entries sorted.
    public mutating func renameKeys(_ rename: (RouteKey) -> RouteKey) {
        entries = entries.map { var e = $0; e.key = rename(e.key); return e }.sorted { ($0.key, $0.iova) < ($1.key, $1.iova) }
    }

    /// Removes every entry filled from table `tag`.
    public mutating func invalidate(tag: UInt32) {
        entries.removeAll { $0.tag == tag }
    }

    /// Removes every entry of route `key` (its routing changed: attach, replace, detach).
    public mutating func invalidate(key: RouteKey) {
        entries.removeAll { $0.key == key }
    }

    /// The entries that disagree with the tables now: `walk(entry)` says what the route's table
    /// gives for the entry's first address (nil when the route is gone). An entry is stale when the
    /// walk faults, or yields another output, page or permissions.
    public func staleEntries(walk: (IOTLBEntry) -> WalkResult?) -> [IOTLBEntry] {
        entries.filter { entry in
            guard let now = walk(entry)?.translation else { return true }
            let base = now.output & ~(entry.pageSize - 1)
            return base != entry.output || now.permissions != entry.permissions || now.pageSize < entry.pageSize
        }
    }
}
