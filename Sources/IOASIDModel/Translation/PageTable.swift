/// A leaf entry: `size` bytes at `iova` translate to `output` with `permissions`.
public struct Leaf: Hashable, Sendable {
    public var iova: UInt64
    public var output: UInt64
    public var level: UInt8
    public var permissions: Permissions

    @inlinable public init(iova: UInt64, output: UInt64, level: UInt8, permissions: Permissions) {
        self.iova = iova
        self.output = output
        self.level = level
        self.permissions = permissions
    }
}

/// An intermediate table page at `level` (≥ 1), covering the span of one entry of `level - 1`
/// from `base`. `address` is where the table page lives: a guest-physical address for a guest's
/// stage-1 table, 0 for a kernel-managed table (whose address nothing observes).
public struct TableNode: Hashable, Sendable {
    public var level: UInt8
    public var base: UInt64
    public var address: UInt64

    @inlinable public init(level: UInt8, base: UInt64, address: UInt64) {
        self.level = level
        self.base = base
        self.address = address
    }
}

/// Where a map puts the table pages it has to allocate.
public enum TablePlacement: Hashable, Sendable {
    /// Kernel-managed tables: their addresses are not modelled (0).
    case kernel
    /// A guest's stage-1 tables: each new table at the lowest granule-aligned address above the
    /// root not yet used by a table of this page table; `first`, when given, places the first new
    /// table of the call instead (the scenario language's `table_gpa=`).
    case guest(first: UInt64?)
}

/// A radix IOMMU page table as a value: the leaves and intermediate tables that exist, in sorted
/// arrays. Copying shares storage until a write, hashing walks two flat arrays, and equality is
/// exact — so page tables can live inside explored states.
///
/// The tree shape is kept as the kernel leaves it (an unmap of leaves keeps their now-empty table,
/// as `io-pgtable-arm.c` does), because the level at which a walk faults depends on it.
public struct PageTable: Hashable, Sendable {
    public let format: PageTableFormat
    /// The domain's `pgsize_bitmap`: a subset of the format's leaf sizes.
    public let pageSizes: PageSizes
    /// Address of the root table (a GPA for a guest's stage-1 table; 0 when not modelled).
    public private(set) var rootAddress: UInt64
    /// Leaves sorted by IOVA; they never overlap.
    @usableFromInline var leafStore: [Leaf] = []
    /// Intermediate tables sorted by (level, base); the root is implicit.
    @usableFromInline var tableStore: [TableNode] = []

    /// An empty table of `format` whose domain may use `pageSizes` (default: every leaf size).
    public init(format: PageTableFormat, pageSizes: PageSizes? = nil, rootAddress: UInt64 = 0) throws(FormatError) {
        let sizes = pageSizes ?? format.leafSizes
        guard !sizes.isEmpty else { throw .pageSizesEmpty }
        guard sizes.isSubset(of: format.leafSizes) else {
            throw .pageSizeNotALeafSize(PageSizes(bitmap: sizes.bitmap & ~format.leafSizes.bitmap).smallest)
        }
        self.format = format
        self.pageSizes = sizes
        self.rootAddress = rootAddress
    }

    /// A table put back together from its parts, unchecked (`IOMMUFDState+Codec.swift`).
    init(format: PageTableFormat, pageSizes: PageSizes, rootAddress: UInt64, leaves: [Leaf], tables: [TableNode]) {
        self.format = format
        self.pageSizes = pageSizes
        self.rootAddress = rootAddress
        leafStore = leaves
        tableStore = tables
    }

    /// An empty table of a preset with every leaf size of the preset.
    public init(preset: FormatPreset, rootAddress: UInt64 = 0) {
        format = preset.format
        pageSizes = format.leafSizes
        self.rootAddress = rootAddress
    }

    /// The leaves, sorted by IOVA.
    public var leaves: [Leaf] { leafStore }
    /// The intermediate tables, sorted by level then base (the root is not listed).
    public var tables: [TableNode] { tableStore }
    /// Whether nothing is mapped.
    public var isEmpty: Bool { leafStore.isEmpty }

    /// A copy with its own leaf and table buffers.
    public func unshared() -> PageTable {
        var t = self
        t.leafStore = leafStore.map { $0 }
        t.tableStore = tableStore.map { $0 }
        return t
    }

    /// Bytes covered by `leaf`.
    @inlinable public func size(of leaf: Leaf) -> UInt64 { format.entrySize(Int(leaf.level)) }
}

// MARK: - Sorted-array lookups shared by map, unmap and walk

extension PageTable {
    /// Index of the first leaf whose IOVA is ≥ `iova`.
    @inlinable func leafLowerBound(_ iova: UInt64) -> Int {
        var lo = 0, hi = leafStore.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if leafStore[mid].iova < iova { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the leaf that covers `iova`, if one does.
    @inlinable func leafIndex(covering iova: UInt64) -> Int? {
        let upper = leafLowerBound(iova &+ 1)
        guard upper > 0 else { return nil }
        let leaf = leafStore[upper - 1]
        return iova - leaf.iova < size(of: leaf) ? upper - 1 : nil
    }

    /// Index of the first table at or after (`level`, `base`) in (level, base) order.
    @inlinable func tableLowerBound(level: UInt8, base: UInt64) -> Int {
        var lo = 0, hi = tableStore.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let t = tableStore[mid]
            if t.level < level || (t.level == level && t.base < base) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Index of the table of `level` that starts at `base`, if it exists.
    @inlinable func tableIndex(level: Int, base: UInt64) -> Int? {
        let i = tableLowerBound(level: UInt8(level), base: base)
        guard i < tableStore.count, tableStore[i].level == UInt8(level), tableStore[i].base == base else { return nil }
        return i
    }

    /// The table that the entry of `level` for `iova` points to, if that entry is a table pointer.
    @inlinable func childTable(of level: Int, for iova: UInt64) -> Int? {
        guard level + 1 < format.levels else { return nil }
        return tableIndex(level: level + 1, base: Bits.alignDown(iova, format.entrySize(level)))
    }

    /// Frees the table of `level` at `base` and everything beneath it: its leaves and sub-tables
    /// (`__arm_lpae_free_pgtable`).
    mutating func freeSubtree(level: Int, base: UInt64) {
        let span = format.entrySize(level - 1)
        let end = base &+ span
        tableStore.removeAll { Int($0.level) >= level && $0.base >= base && $0.base &- base < span }
        let lo = leafLowerBound(base)
        var hi = lo
        while hi < leafStore.count, leafStore[hi].iova < end { hi += 1 }
        leafStore.removeSubrange(lo..<hi)
    }

    /// Allocates the table of `level` at `base` and returns its address.
    mutating func allocateTable(level: Int, base: UInt64, placement: inout TablePlacement) {
        let address: UInt64
        switch placement {
        case .kernel:
            address = 0
        case .guest(let first?):
            address = first
            placement = .guest(first: nil)
        case .guest(nil):
            address = lowestFreeTableAddress()
        }
        let node = TableNode(level: UInt8(level), base: base, address: address)
        tableStore.insert(node, at: tableLowerBound(level: node.level, base: base))
    }

    /// The guest table allocator of `SPEC.md` §2: the lowest granule-aligned address above the root
    /// that no table of this page table uses.
    func lowestFreeTableAddress() -> UInt64 {
        let granule = format.granule
        let used = Set(tableStore.map(\.address))
        var candidate = Bits.alignDown(rootAddress, granule) &+ granule
        while used.contains(candidate) { candidate &+= granule }
        return candidate
    }
}
