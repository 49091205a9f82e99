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
    public mutating func fill(key: RouteKey, tag: UInt32, iova: UInt64, translation: Translation, source: IOTLBSource, dirty: Bool = false) {
        let base = iova & ~(translation.pageSize - 1)
        var entry = IOTLBEntry(key: key, tag: tag, iova: base, pageSize: translation.pageSize,
                               output: translation.output & ~(translation.pageSize - 1),
                               permissions: translation.permissions, source: source)
        entry.dirty = dirty
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
