import Testing
@testable import IOASIDModel
@testable import ModelCheckCLI

/// What a newcomer gets wrong first, answered where it happens (issue 22 item 10).
@Suite struct NewcomerDiagnosticTests {
    func check(_ text: String) throws -> (Int32, String) {
        let path = try TemporaryFile.write(text, "model")
        let c = Captured()
        let code = Tool.run(["check", path], console: c.console)
        return (code, c.stderr.replacingOccurrences(of: path, with: "M"))
    }

    static let head = "proposal iommufd\niommu u format=tiny-4k-2x2\ndevice a iommu=u\n"

    @Test func anUnknownExpectationSaysWhatIsExpected() throws {
        let (code, err) = try check(Self.head + "expect hold\n")
        #expect(code == 2)
        #expect(err.contains("M:4:8: error: unknown expectation 'hold'; did you mean 'holds'? (expected 'holds', 'violation INVARIANT', 'reachable GOAL' or 'unreachable GOAL')"), "\(err)")
    }

    @Test func aOneLineBlockSaysStepsGoOnTheirOwnLines() throws {
        let (code, err) = try check(Self.head + "scenario \"s\" { IOMMU_IOAS_ALLOC => ok }\n")
        #expect(code == 2)
        #expect(err.contains("M:4:16: error: unexpected 'IOMMU_IOAS_ALLOC' after '{': a block holds one step or statement a line"), "\(err)")
    }

    @Test func aMissingDepthPointsAtTheExploreBlock() throws {
        let (code, err) = try check(Self.head + "\nexplore {\n  iova 0x0..0x3fff\n}\n")
        #expect(code == 2)
        #expect(err.contains("M:5:1: error: the explore block has no 'depth N' line"), "\(err)")
    }

    @Test func anUnknownPresetListsThePresets() throws {
        let (code, err) = try check("proposal iommufd\niommu u format=arm-lpae-8k\ndevice a iommu=u\n")
        #expect(code == 2)
        #expect(err.contains("unknown format preset 'arm-lpae-8k'; did you mean 'arm-lpae-4k'? (expected one of: arm-lpae-4k, arm-lpae-16k,"), "\(err)")
    }

    @Test func listShowsTheFormatPresets() {
        let c = Captured()
        #expect(Tool.run(["list"], console: c.console) == 0)
        for preset in ["arm-lpae-4k", "tiny-4k-2x2", "mock-huge"] {
            #expect(c.stdout.contains("\n  \(preset) "), "\(preset)")
        }
    }
}
