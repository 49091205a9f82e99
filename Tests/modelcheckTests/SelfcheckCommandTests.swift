import Foundation
import Synchronization
import Testing
@testable import ModelCheckCLI

/// Captures what a command prints.
final class Captured: Sendable {
    let out = Mutex<[String]>([])
    let err = Mutex<[String]>([])
    var console: Console {
        Console(out: { line in self.out.withLock { $0.append(line) } }, err: { line in self.err.withLock { $0.append(line) } })
    }
    var stdout: String { out.withLock { $0.joined(separator: "\n") } }
    var stderr: String { err.withLock { $0.joined(separator: "\n") } }
}

@Suite struct SelfcheckCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func temporary(_ text: String) throws -> String { try TemporaryFile.write(text, "vectors") }

    @Test func shippedVectorsPassWithATable() {
        let c = Captured()
        let code = Tool.run(["selfcheck", "--no-timing", SelfcheckCommandTests.root.appendingPathComponent("models/translation").path], console: c.console)
        #expect(code == 0)
        #expect(c.stdout.contains("format"))
        #expect(c.stdout.hasSuffix(" passed, 0 failed"))
    }

    @Test func aFailingVectorIsExitOneWithExpectedAndActual() throws {
        let path = try temporary("format tiny-4k-2x2\nvector \"v\" {\n  map iova=0 paddr=0 size=4K prot=r => ok\n  walk iova=0 => 0x1000\n}\n")
        let c = Captured()
        #expect(Tool.run(["selfcheck", "--no-timing", path], console: c.console) == 1)
        #expect(c.stdout.contains("\(path):4: vector \"v\" failed"))
        #expect(c.stdout.contains("expected: 0x1000"))
        #expect(c.stdout.contains("actual:   0x0 page=4K level=1 refs=2 perm=r"))
        #expect(c.stdout.hasSuffix("0 passed, 1 failed"))
    }

    /// A `leaves` mismatch over a big map is a readable line (it once printed 6.4 MB): contiguous
    /// leaves are one `×N` run.
    @Test func aLeavesMismatchIsCoalescedIntoRuns() throws {
        let path = try temporary("format arm-lpae-4k pgsizes=4K\nvector \"v\" {\n  map iova=0x0 paddr=0x40000000 size=64M prot=rw => ok\n  leaves => none\n}\n")
        let c = Captured()
        #expect(Tool.run(["selfcheck", "--quiet", path], console: c.console) == 1)
        #expect(c.stdout.contains("actual:   0x0+4K@0x40000000×16384"), "\(c.stdout.prefix(500))")
        #expect(c.stdout.utf8.count < 2000)
    }

    @Test func aSyntaxErrorIsExitTwoWithALocatedMessage() throws {
        let path = try temporary("format tiny-4k-2x2\nvector \"v\" {\n  wlak iova=0 => FAULT\n}\n")
        let c = Captured()
        #expect(Tool.run(["selfcheck", path], console: c.console) == 2)
        #expect(c.stderr.hasPrefix("\(path):3:3: error: unknown operation 'wlak'; did you mean 'walk'?"))
    }

    @Test func unreadableInputAndUsageErrorsAreExitTwo() {
        let c = Captured()
        #expect(Tool.run(["selfcheck", "/nonexistent/x.vectors"], console: c.console) == 2)
        #expect(c.stderr == "modelcheck: error: cannot read '/nonexistent/x.vectors': no such file or directory")
        #expect(Tool.run(["selfcheck", "--bogus"], console: c.console) == 2)
        #expect(Tool.run(["frobnicate"], console: c.console) == 2)
    }

    @Test func helpAndVersion() {
        let c = Captured()
        #expect(Tool.run(["--version"], console: c.console) == 0)
        #expect(Tool.run(["selfcheck", "--help"], console: c.console) == 0)
        #expect(Tool.run(["--help"], console: c.console) == 0)
        #expect(c.stdout.contains("modelcheck \(Tool.version)"))
        #expect(c.stdout.contains("usage: modelcheck selfcheck"))
    }
}
