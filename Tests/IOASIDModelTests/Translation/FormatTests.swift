import Testing
@testable import IOASIDModel

@Suite struct FormatTests {
    @Test(arguments: FormatPreset.allCases)
    func everyPresetPassesTheCheckingInitialiser(preset: FormatPreset) throws {
        let f = preset.format
        let rebuilt = try PageTableFormat(family: f.family, granuleShift: Int(f.granuleShift),
                                          indexBits: f.allIndexBits, leafLevels: f.leafLevels)
        #expect(rebuilt == f)
        #expect(FormatPreset(format: f) == preset)
    }

    struct Geometry: Sendable {
        var preset: FormatPreset
        var inputBits: Int
        var leafSizes: [UInt64]
    }

    static let K: UInt64 = 1 << 10, M: UInt64 = 1 << 20, G: UInt64 = 1 << 30
    static let specTable: [Geometry] = [
        Geometry(preset: .armLPAE4K, inputBits: 48, leafSizes: [4 * K, 2 * M, G]),
        Geometry(preset: .armLPAE16K, inputBits: 48, leafSizes: [16 * K, 32 * M]),
        Geometry(preset: .armLPAE64K, inputBits: 48, leafSizes: [64 * K, 512 * M]),
        Geometry(preset: .vtdSL4, inputBits: 48, leafSizes: [4 * K, 2 * M, G]),
        Geometry(preset: .vtdSL5, inputBits: 57, leafSizes: [4 * K, 2 * M, G]),
        Geometry(preset: .x86FS4, inputBits: 48, leafSizes: [4 * K, 2 * M, G]),
        Geometry(preset: .x86FS5, inputBits: 57, leafSizes: [4 * K, 2 * M, G]),
        Geometry(preset: .tiny3x1, inputBits: 15, leafSizes: [4 * K, 8 * K, 16 * K]),
        Geometry(preset: .tiny2x2, inputBits: 16, leafSizes: [4 * K, 16 * K]),
        Geometry(preset: .tiny3x2, inputBits: 18, leafSizes: [4 * K, 16 * K, 64 * K]),
        Geometry(preset: .mock, inputBits: 31, leafSizes: [2 * K]),
        Geometry(preset: .mockHuge, inputBits: 31, leafSizes: [4 * K, M]),
    ]

    /// SPEC §2's table of presets: input width and leaf sizes.
    @Test(arguments: specTable)
    func presetGeometryMatchesTheSpecTable(row: Geometry) {
        #expect(row.preset.format.inputBits == row.inputBits)
        #expect(row.preset.format.leafSizes.sizes == row.leafSizes)
    }

    /// `ordinal` reads the case's storage: it must be the position in `allCases`, so that the
    /// codec's preset numbers and `format`'s table agree.
    @Test func ordinalsArePositionsInAllCases() {
        for (i, preset) in FormatPreset.allCases.enumerated() {
            #expect(preset.ordinal == i)
            #expect(FormatPreset.all[preset.ordinal] == preset)
        }
    }

    @Test func theSpecTableCoversEveryPreset() {
        #expect(Set(FormatTests.specTable.map(\.preset)) == Set(FormatPreset.allCases))
    }

    @Test func mockDefaultApertureIsTheSelftestOne() {
        #expect(FormatPreset.mock.defaultAperture == 0x100_0000...0x7fff_ffff)
        #expect(FormatPreset.tiny2x2.defaultAperture == 0...0xffff)
    }

    @Test func inconsistentGeometriesAreTypedErrors() {
        #expect(throws: FormatError.levelCount(0)) { try PageTableFormat(family: .tiny, granuleShift: 12, indexBits: [], leafLevels: [0]) }
        #expect(throws: FormatError.granuleShift(8)) { try PageTableFormat(family: .tiny, granuleShift: 8, indexBits: [2], leafLevels: [0]) }
        #expect(throws: FormatError.indexBits(level: 1, bits: 0)) { try PageTableFormat(family: .tiny, granuleShift: 12, indexBits: [2, 0], leafLevels: [1]) }
        #expect(throws: FormatError.inputTooWide(bits: 66)) { try PageTableFormat(family: .tiny, granuleShift: 16, indexBits: [20, 20, 10], leafLevels: [2]) }
        #expect(throws: FormatError.noLeafLevel) { try PageTableFormat(family: .tiny, granuleShift: 12, indexBits: [2], leafLevels: []) }
        #expect(throws: FormatError.leafLevelOutOfRange(3)) { try PageTableFormat(family: .tiny, granuleShift: 12, indexBits: [2, 2], leafLevels: [1, 3]) }
        #expect(throws: FormatError.lastLevelCannotHoldLeaves) { try PageTableFormat(family: .tiny, granuleShift: 12, indexBits: [2, 2], leafLevels: [0]) }
        #expect(throws: FormatError.unknownPreset("arm-lpae-8k")) { try FormatPreset.named("arm-lpae-8k") }
    }

    @Test func pageSizesMustBeLeafSizesOfTheFormat() {
        #expect(throws: FormatError.pageSizeNotALeafSize(8 << 10)) {
            try PageTable(format: FormatPreset.tiny2x2.format, pageSizes: PageSizes([4 << 10, 8 << 10]))
        }
        #expect(throws: FormatError.pageSizesEmpty) { try PageTable(format: FormatPreset.tiny2x2.format, pageSizes: PageSizes(bitmap: 0)) }
    }

    @Test func writeOnlyIsExpressibleExactlyWhereTranslationMdSaysSo() {
        #expect(!FormatPreset.armLPAE4K.format.expressesWriteOnly(at: .stage1))
        #expect(FormatPreset.armLPAE4K.format.expressesWriteOnly(at: .stage2))
        #expect(!FormatPreset.x86FS4.format.expressesWriteOnly(at: .stage1))
        #expect(FormatPreset.vtdSL4.format.expressesWriteOnly(at: .stage1))
        #expect(FormatPreset.tiny2x2.format.expressesWriteOnly(at: .stage1))
        #expect(FormatPreset.mock.format.expressesWriteOnly(at: .stage1))
    }
}
