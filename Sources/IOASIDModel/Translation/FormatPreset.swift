/// The named geometries of `SPEC.md` §2: real ones for scenarios, tiny ones for exhaustive search,
/// and the kernel selftest's mock IOMMU (`drivers/iommu/iommufd/selftest.c`).
public enum FormatPreset: String, CaseIterable, Hashable, Sendable {
    case armLPAE4K = "arm-lpae-4k"
    case armLPAE16K = "arm-lpae-16k"
    case armLPAE64K = "arm-lpae-64k"
    case vtdSL4 = "vtd-sl-4l"
    case vtdSL5 = "vtd-sl-5l"
    case x86FS4 = "x86-fs-4l"
    case x86FS5 = "x86-fs-5l"
    case tiny3x1 = "tiny-4k-3x1"
    case tiny2x2 = "tiny-4k-2x2"
    case tiny3x2 = "tiny-4k-3x2"
    case mock = "mock"
    case mockHuge = "mock-huge"

    /// The preset spelt `name`, or `FormatError.unknownPreset`.
    public static func named(_ name: String) throws(FormatError) -> FormatPreset {
        guard let preset = FormatPreset(rawValue: name) else { throw .unknownPreset(name) }
        return preset
    }

    /// The geometry.
    public var format: PageTableFormat { FormatPreset.built[ordinal] }

    /// The case's position in `allCases`. A payload-free enum is stored as that position, so this
    /// reads one byte: the fingerprint asks for every domain of every state, where `allCases`
    /// builds an array and a dictionary keyed by the preset hashes its name
    /// (`FormatPresetTests` checks the positions).
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// The geometry of a table serving `stage`. A stage-2 arm-lpae-16k table over a 48-bit input
    /// starts one level lower, its first level being the two concatenated tables the single-bit
    /// level 0 would point at (io-pgtable-arm.c arm_64_lpae_alloc_pgtable_s2 →
    /// arm_lpae_concat_mandatory): three levels, 32M leaves at level 1 and 16K at level 2.
    public func format(for stage: TranslationStage) -> PageTableFormat {
        guard stage == .stage2, self == .armLPAE16K else { return format }
        return FormatPreset.concatenated16KStage2
    }

    private static let concatenated16KStage2 =
        PageTableFormat(unchecked: .armLPAE, granuleShift: 14, indexBits: [12, 11, 11], leafLevels: [1, 2])

    private static let built: [PageTableFormat] = allCases.map(\.geometry)
    /// `allCases`, built once.
    public static let all: [FormatPreset] = allCases

    /// The preset whose geometry and family are `format`, if any.
    public init?(format: PageTableFormat) {
        guard let hit = FormatPreset.allCases.first(where: { $0.format == format }) else { return nil }
        self = hit
    }

    private var geometry: PageTableFormat {
        switch self {
        case .armLPAE4K: // 4 × 9 bits over 4K: 1G at L1, 2M at L2, 4K at L3; no L0 block.
            return PageTableFormat(unchecked: .armLPAE, granuleShift: 12, indexBits: [9, 9, 9, 9], leafLevels: [1, 2, 3])
        case .armLPAE16K: // L0 has 1 bit: 32M at L2, 16K at L3.
            return PageTableFormat(unchecked: .armLPAE, granuleShift: 14, indexBits: [1, 11, 11, 11], leafLevels: [2, 3])
        case .armLPAE64K: // 3 levels from ARM's L1 (6 bits): 512M and 64K leaves.
            return PageTableFormat(unchecked: .armLPAE, granuleShift: 16, indexBits: [6, 13, 13], leafLevels: [1, 2])
        case .vtdSL4:
            return PageTableFormat(unchecked: .vtdSecondStage, granuleShift: 12, indexBits: [9, 9, 9, 9], leafLevels: [1, 2, 3])
        case .vtdSL5:
            return PageTableFormat(unchecked: .vtdSecondStage, granuleShift: 12, indexBits: [9, 9, 9, 9, 9], leafLevels: [2, 3, 4])
        case .x86FS4:
            return PageTableFormat(unchecked: .x86FirstStage, granuleShift: 12, indexBits: [9, 9, 9, 9], leafLevels: [1, 2, 3])
        case .x86FS5:
            return PageTableFormat(unchecked: .x86FirstStage, granuleShift: 12, indexBits: [9, 9, 9, 9, 9], leafLevels: [2, 3, 4])
        case .tiny3x1:
            return PageTableFormat(unchecked: .tiny, granuleShift: 12, indexBits: [1, 1, 1], leafLevels: [0, 1, 2])
        case .tiny2x2:
            return PageTableFormat(unchecked: .tiny, granuleShift: 12, indexBits: [2, 2], leafLevels: [0, 1])
        case .tiny3x2:
            return PageTableFormat(unchecked: .tiny, granuleShift: 12, indexBits: [2, 2, 2], leafLevels: [0, 1, 2])
        case .mock: // one level of 2^20 entries, each a 2K leaf, over a 31-bit input.
            return PageTableFormat(unchecked: .mock, granuleShift: 11, indexBits: [20], leafLevels: [0])
        case .mockHuge: // 11 bits of 1M leaves over 8 bits of 4K leaves.
            return PageTableFormat(unchecked: .mock, granuleShift: 12, indexBits: [11, 8], leafLevels: [0, 1])
        }
    }

    /// The IOVA range a domain of this format translates unless the IOMMU says otherwise.
    /// The mock IOMMU reserves everything outside `MOCK_APERTURE_START ... MOCK_APERTURE_LAST`.
    public var defaultAperture: ClosedRange<UInt64> {
        switch self {
        case .mock, .mockHuge: return 0x100_0000...0x7fff_ffff
        default: return 0...(format.inputLimit - 1)
        }
    }
}

extension FormatPreset {
    /// Other tables the same hardware walks, which a driver may choose per domain: the selftest's
    /// mock IOMMU also walks its huge table (`MOCK_IOMMUPT_HUGE`).
    public var otherTables: [FormatPreset] {
        switch self {
        case .mock: return [.mockHuge]
        default: return []
        }
    }
}
