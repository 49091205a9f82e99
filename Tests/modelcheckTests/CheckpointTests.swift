import Foundation
import Testing
@testable import ModelCheckCLI

/// `check --checkpoint DIR` / `--resume DIR` (issue 20): a run stopped between levels or in the
/// middle of one resumes to the result of an uninterrupted run.
@Suite struct CheckpointTests {
    static func stats(_ args: [String]) throws -> (code: Int32, stats: [String: Any], object: [String: Any], stderr: String) {
        let c = Captured()
        let code = Tool.run(["check", "--format", "json"] + args, console: c.console)
        let d = (try? JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any]) ?? [:]
        return (code, d["stats"] as? [String: Any] ?? [:], d, c.stderr)
    }

    static func traceLength(_ object: [String: Any]) -> Int? {
        ((object["violation"] as? [String: Any])?["trace"] as? [Any])?.count
    }

    @Test(arguments: [["--max-depth", "2"], ["--max-states", "300"]])
    func anInterruptedRunResumesToTheSameResult(_ stop: [String]) throws {
        for text in [CheckCommandTests.small + "check all\n",
                     CheckCommandTests.small + "set destroy-check = none\ncheck lifetime\nexpect violation lifetime\n"] {
            let model = try TemporaryFile.write(text, "model")
            let dir = TemporaryFile.path("ckpt")
            let whole = try Self.stats(["--workers", "1", model])
            let stopped = try Self.stats(["--workers", "1", "--checkpoint", dir] + stop + [model])
            #expect(stopped.code == 3)
            let resumed = try Self.stats(["--workers", "2", "--resume", dir, model])
            #expect(resumed.code == whole.code)
            #expect(resumed.object["verdict"] as? String == whole.object["verdict"] as? String)
            // A violation ends its level early, after as many states as the workers' timing gives:
            // only an exhaustive run's figures are the same whatever the workers.
            for field in ["distinctStates", "transitions", "maxDepth", "stateChangingTransitions"] where whole.code == 0 && text.hasSuffix("all\n") {
                #expect(resumed.stats[field] as? Int == whole.stats[field] as? Int, "\(field)")
            }
            #expect(Self.traceLength(resumed.object) == Self.traceLength(whole.object))
        }
    }

    @Test func aDamagedOrForeignCheckpointIsExitTwo() throws {
        let model = try TemporaryFile.write(CheckCommandTests.small + "check all\n", "model")
        let dir = TemporaryFile.path("ckpt")
        #expect(try Self.stats(["--checkpoint", dir, "--max-depth", "3", model]).code == 3)
        let file = dir + "/checkpoint"
        let bytes = try #require(FileManager.default.contents(atPath: file))
        // Another model (one more comment line) under the same directory.
        let other = try TemporaryFile.write(CheckCommandTests.small + "check all\n# changed\n", "model")
        let foreign = try Self.stats(["--resume", dir, other])
        #expect(foreign.code == 2)
        #expect(foreign.stderr.contains("written for another model"))
        // Cut anywhere: an error naming the file, never a trap.
        for cut in [0, 4, 9, 30, bytes.count / 2, bytes.count - 1] {
            try bytes.prefix(cut).write(to: URL(fileURLWithPath: file))
            let r = try Self.stats(["--resume", dir, model])
            #expect(r.code == 2, "cut at \(cut)")
            #expect(r.stderr.contains("\(file):"), "cut at \(cut): \(r.stderr)")
        }
        try (bytes + [0]).write(to: URL(fileURLWithPath: file))
        #expect(try Self.stats(["--resume", dir, model]).stderr.contains("after the checkpoint's end"))
        #expect(try Self.stats(["--resume", TemporaryFile.path("none"), model]).code == 2)
        #expect(try Self.stats(["--checkpoint", dir, "--strategy", "dfs", model]).code == 2)
    }
}
