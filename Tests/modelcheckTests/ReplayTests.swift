import Foundation
import Testing
@testable import ModelCheckCLI

/// `replay` reads a trace with a typed decoder: a value of the wrong type or out of range is exit
/// 2 at its line and column, with its JSON path — never silently truncated or taken as empty.
@Suite struct ReplayTests {
    static let model = CheckCommandTests.small + "set destroy-check = none\ncheck lifetime\nexpect violation lifetime\n"

    /// The trace of the small model's violation, pretty-printed (one member a line), and the model.
    func trace() throws -> (model: String, trace: [String: Any]) {
        let path = try TemporaryFile.write(Self.model, "model")
        let out = TemporaryFile.path("json")
        #expect(Tool.run(["check", "--quiet", "--workers", "1", "--trace-out", out, path], console: Captured().console) == 0)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: Any] ?? [:]
        return (path, object)
    }

    /// Replays `trace` after `edit` changes step `step`'s object; returns (exit, stderr).
    func replay(step: Int, _ edit: (inout [String: Any]) -> Void) throws -> (Int32, String) {
        var (model, object) = try trace()
        var violation = object["violation"] as? [String: Any] ?? [:]
        var steps = violation["trace"] as? [[String: Any]] ?? []
        edit(&steps[step])
        violation["trace"] = steps
        object["violation"] = violation
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        let path = TemporaryFile.path("json")
        try data.write(to: URL(fileURLWithPath: path))
        let c = Captured()
        let code = Tool.run(["replay", model, path], console: c.console)
        return (code, c.stderr.replacingOccurrences(of: path, with: "TRACE"))
    }

    @Test func anIdOf2To40IsOutOfRangeNotTruncated() throws {
        let (code, err) = try replay(step: 3) { s in
            var args = s["args"] as? [String: Any] ?? [:]
            args["id"] = 1 << 40
            s["args"] = args
        }
        #expect(code == 2)
        #expect(err.contains("error: violation.trace[3].args.id: 1099511627776 is out of range"), "\(err)")
        #expect(!err.hasPrefix("TRACE:1:1:"), "located at the value, not at 1:1")
        #expect(err.range(of: #"^TRACE:\d+:\d+: error"#, options: .regularExpression) != nil)
    }

    @Test func argsThatAreAListAreRefused() throws {
        let (code, err) = try replay(step: 0) { $0["args"] = [1, 2] }
        #expect(code == 2)
        #expect(err.contains("violation.trace[0].args: expected an object"), "\(err)")
    }

    @Test func trueIsNotANumber() throws {
        let (code, err) = try replay(step: 2) { s in
            var args = s["args"] as? [String: Any] ?? [:]
            args["pt_id"] = true
            s["args"] = args
        }
        #expect(code == 2)
        #expect(err.contains("violation.trace[2].args.pt_id: expected a number, found a boolean"), "\(err)")
    }

    @Test func anUnknownOperationListsTheDesignsOperations() throws {
        let (code, err) = try replay(step: 1) { $0["op"] = "IOMMU_IOAS_ALOC" }
        #expect(code == 2)
        #expect(err.contains("violation.trace[1].op: unknown operation 'IOMMU_IOAS_ALOC' of iommufd; did you mean 'IOMMU_IOAS_ALLOC'?"), "\(err)")
    }

    @Test func aMissingResultIsNamed() throws {
        let (code, err) = try replay(step: 2) { $0["result"] = nil }
        #expect(code == 2)
        #expect(err.contains("violation.trace[2]: missing member 'result'"), "\(err)")
    }
}
