/// The hardware family a geometry belongs to; it decides which permission combinations a
/// stage can hold (`domain/translation.md` §3) and how the format is named in diagnostics.
public enum FormatFamily: String, Hashable, Sendable {
    case armLPAE = "arm-lpae"
    case vtdSecondStage = "vtd-sl"
    case x86FirstStage = "x86-fs"
    case tiny
    case mock
}

/// Why a geometry cannot be a radix IOMMU page table.
public enum FormatError: Error, Hashable, Sendable, CustomStringConvertible {
    case levelCount(Int)
    case granuleShift(Int)
    case indexBits(level: Int, bits: Int)
    case inputTooWide(bits: Int)
    case noLeafLevel
    case leafLevelOutOfRange(Int)
    case lastLevelCannotHoldLeaves
    case unknownPreset(String)
    case pageSizesEmpty
    case pageSizeNotALeafSize(UInt64)

    public var description: String {
        switch self {
        case .levelCount(let n): return "a format has 1 to 6 levels, not \(n)"
        case .granuleShift(let s): return "granule 2^\(s) bytes is outside 512 bytes ... 64K"
        case .indexBits(let l, let b): return "level \(l) has \(b) index bits; 1 to 20 are allowed"
        case .inputTooWide(let b): return "input width \(b) bits exceeds 63"
        case .noLeafLevel: return "no level may hold leaves"
        case .leafLevelOutOfRange(let l): return "leaf level \(l) is not a level of the format"
        case .lastLevelCannotHoldLeaves: return "the last level must hold granule-sized leaves"
        case .unknownPreset(let n): return "unknown format preset '\(n)'"
        case .pageSizesEmpty: return "a domain needs at least one page size"
        case .pageSizeNotALeafSize(let s): return "page size \(SizeText.format(s)) is not a leaf size of the format"
        }
    }
}

/// A radix page-table geometry: granule, levels, index bits per level and which levels may hold
/// leaves. Level 0 is the root; level `levelCount - 1` holds granule-sized leaves. (For 4-level
/// ARM formats this is ARM's L0..L3; `arm-lpae-64k` starts at ARM's L1, so its levels are one less.)
///
/// A plain value of a few bytes, so that page tables can embed it and stay cheap to hash.
public struct PageTableFormat: Hashable, Sendable {
    public let family: FormatFamily
    /// log2 of the granule (the smallest leaf and the size of a table page).
    public let granuleShift: UInt8
    public let levelCount: UInt8
    /// Index bits of level `l` in byte `l` (root in the low byte).
    @usableFromInline let packedBits: UInt64
    /// Bit `l` set when level `l` may hold a leaf.
    public let leafLevelMask: UInt8

    /// log2 of the span of one entry of level `l` in byte `l`: precomputed because walks ask for it
    /// at every level.
    @usableFromInline let packedShifts: UInt64

    /// Builds a geometry, rejecting one the walker could not use.
    /// - Parameters:
    ///   - indexBits: index bits per level, root first.
    ///   - leafLevels: the levels (root = 0) that may hold leaves; must include the last.
    public init(family: FormatFamily, granuleShift: Int, indexBits: [Int], leafLevels: [Int]) throws(FormatError) {
        guard (1...6).contains(indexBits.count) else { throw .levelCount(indexBits.count) }
        guard (9...16).contains(granuleShift) else { throw .granuleShift(granuleShift) }
        for (level, bits) in indexBits.enumerated() where !(1...20).contains(bits) {
            throw .indexBits(level: level, bits: bits)
        }
        let width = granuleShift + indexBits.reduce(0, +)
        guard width <= 63 else { throw .inputTooWide(bits: width) }
        guard !leafLevels.isEmpty else { throw .noLeafLevel }
        for level in leafLevels where !(0..<indexBits.count).contains(level) { throw .leafLevelOutOfRange(level) }
        guard leafLevels.contains(indexBits.count - 1) else { throw .lastLevelCannotHoldLeaves }
        self.init(unchecked: family, granuleShift: granuleShift, indexBits: indexBits, leafLevels: leafLevels)
    }

    /// For the presets, whose geometry `FormatTests` re-validates through the checking initialiser.
    init(unchecked family: FormatFamily, granuleShift: Int, indexBits: [Int], leafLevels: [Int]) {
        var packed: UInt64 = 0, shifts: UInt64 = 0, shift = granuleShift
        for level in stride(from: indexBits.count - 1, through: 0, by: -1) {
            packed |= UInt64(indexBits[level]) << (8 * UInt64(level))
            shifts |= UInt64(shift) << (8 * UInt64(level))
            shift += indexBits[level]
        }
        self.family = family
        self.granuleShift = UInt8(granuleShift)
        self.levelCount = UInt8(indexBits.count)
        self.packedBits = packed
        self.packedShifts = shifts
        self.leafLevelMask = leafLevels.reduce(0) { $0 | UInt8(1) << UInt8($1) }
    }

    /// Index bits per level, root first.
    public var allIndexBits: [Int] { (0..<levels).map(indexBits) }
    /// The levels that may hold leaves, root first.
    public var leafLevels: [Int] { (0..<levels).filter(holdsLeaves) }

    /// Number of levels, as an `Int` for loops.
    @inlinable public var levels: Int { Int(levelCount) }
    /// Bytes in the smallest leaf.
    @inlinable public var granule: UInt64 { 1 << UInt64(granuleShift) }

    /// Index bits of `level`.
    @inlinable public func indexBits(_ level: Int) -> Int { Int((packedBits >> (8 * UInt64(level))) & 0xff) }

    /// log2 of the IOVA span one entry of `level` covers.
    @inlinable public func entryShift(_ level: Int) -> Int { Int((packedShifts >> (8 * UInt64(level))) & 0xff) }

    /// Bytes one entry of `level` covers: the leaf size at that level.
    @inlinable public func entrySize(_ level: Int) -> UInt64 { 1 << UInt64(entryShift(level)) }

    /// Whether a leaf may sit at `level`.
    @inlinable public func holdsLeaves(_ level: Int) -> Bool { leafLevelMask & (1 << UInt8(level)) != 0 }

    /// Width of the input address in bits.
    @inlinable public var inputBits: Int { entryShift(0) + indexBits(0) }

    /// One past the largest IOVA the format translates.
    @inlinable public var inputLimit: UInt64 { 1 << UInt64(inputBits) }

    /// Entries in a table of `level`.
    @inlinable public func entries(_ level: Int) -> UInt64 { 1 << UInt64(indexBits(level)) }

    /// Index of `iova` in the table of `level` (`ARM_LPAE_LVL_IDX`).
    @inlinable public func index(_ iova: UInt64, level: Int) -> UInt64 {
        (iova >> UInt64(entryShift(level))) & (entries(level) - 1)
    }

    /// Every leaf size the geometry can hold.
    public var leafSizes: PageSizes {
        var bitmap: UInt64 = 0
        for level in 0..<levels where holdsLeaves(level) { bitmap |= entrySize(level) }
        return PageSizes(bitmap: bitmap)
    }

    /// The level whose leaves are `size` bytes, if any.
    @inlinable public func level(forLeafSize size: UInt64) -> Int? {
        for level in 0..<levels where holdsLeaves(level) && entrySize(level) == size { return level }
        return nil
    }

    /// Whether a leaf of this format at `stage` can hold write permission without read.
    /// ARM stage 1 and the x86 first stage cannot (`arm_lpae_prot_to_pte` sets AP_RDONLY only for
    /// READ without WRITE); ARM stage 2, VT-d second stage and the test formats hold R and W apart.
    public func expressesWriteOnly(at stage: TranslationStage) -> Bool {
        switch family {
        case .armLPAE: return stage == .stage2
        case .x86FirstStage: return false
        case .vtdSecondStage, .tiny, .mock: return true
        }
    }
}

extension PageTableFormat: CustomStringConvertible {
    /// The preset name, or the geometry spelt out for a custom format.
    public var description: String {
        if let preset = FormatPreset(format: self) { return preset.rawValue }
        return "\(family.rawValue)(granule \(SizeText.format(granule)), bits \(allIndexBits), leaves at \(leafLevels))"
    }
}
