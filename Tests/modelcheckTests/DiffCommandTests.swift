import Foundation
import Testing
@testable import ModelCheckCLI

/// `modelcheck diff`: two variants of a design explored under the same operation sequences.
@Suite struct DiffCommandTests {
    func temporary(_ text: String) throws -> String { try TemporaryFile.write(text, "model") }

    /// `destroy-check` is the one difference: iommufd refuses to destroy a referenced IOAS with
    /// EBUSY (iommufd.md, `iommufd_object_remove`), the unchecked variant lets it go. The
    /// shortest sequence needs a reference: alloc, bind, HWPT on the IOAS, destroy the IOAS.
    @Test func theShortestSequenceWithDifferentOutcomesIsPrinted() throws {
        let old = try temporary(CheckCommandTests.small)
        let new = try temporary(CheckCommandTests.small + "set destroy-check = none\n")
        let c = Captured()
        #expect(Tool.run(["diff", "--workers", "1", old, new], console: c.console) == 1)
        #expect(c.stdout.contains("(destroy-check: refcount → none)"))
        #expect(c.stdout.contains("the outcomes differ after 4 steps:"))
        #expect(c.stdout.contains("4. IOMMU_DESTROY id=1 => old: EBUSY   new: ok"))
    }

    @Test func theSameDesignTwiceHasNoDifferenceWithinTheBounds() throws {
        let path = try temporary(CheckCommandTests.small + "set destroy-check = refcount\n")
        let other = try temporary(CheckCommandTests.small)
        let c = Captured()
        #expect(Tool.run(["diff", path, other], console: c.console) == 0)
        #expect(c.stdout.contains("no difference within depth 4"))
    }

    @Test func modelsThatDifferBeyondSetLinesAreBadInput() throws {
        let old = try temporary(CheckCommandTests.small)
        let new = try temporary(CheckCommandTests.small.replacingOccurrences(of: "depth 4", with: "depth 3"))
        let c = Captured()
        #expect(Tool.run(["diff", old, new], console: c.console) == 2)
        #expect(c.stderr.contains(":1:1: error: the 'explore' blocks differ"))
        #expect(Tool.run(["diff", old], console: Captured().console) == 2)
    }

    @Test func aLimitEndsTheDiffIncomplete() throws {
        let old = try temporary(CheckCommandTests.small)
        let new = try temporary(CheckCommandTests.small + "set destroy-check = none\n")
        let c = Captured()
        #expect(Tool.run(["diff", "--max-depth", "2", "--format", "json", old, new], console: c.console) == 3)
        #expect(c.stdout.contains("\"verdict\":\"incomplete\"") || c.stdout.contains("\"verdict\": \"incomplete\""))
    }
}
