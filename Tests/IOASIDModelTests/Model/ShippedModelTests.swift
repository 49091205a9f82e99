import Foundation
import Testing
@testable import IOASIDModel

/// The model files in `models/`: each parses, and each scenario passes — every scenario of
/// `models/iommufd.model` is one kernel rule, named and cited in the file.
enum ShippedModels {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models")

    /// `models/*.model` and the kernel selftest's transcription, `models/kernel-selftest/*.model`.
    static var paths: [String] {
        [directory, directory.appendingPathComponent("kernel-selftest")].flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
                .filter { $0.hasSuffix(".model") }.sorted().map { dir.appendingPathComponent($0).path }
        }
    }

    static func load(_ path: String) throws -> Model {
        try ModelLoader.load(try String(contentsOfFile: path, encoding: .utf8), path: path)
    }

    /// "file: scenario" for every shipped scenario.
    static var scenarios: [String] {
        paths.flatMap { path in ((try? load(path))?.scenarios ?? []).map { "\(path)|\($0.name)" } }
    }
}

@Suite struct ShippedModelTests {
    @Test func theIOMMUFDModelHasAtLeastFortyScenarios() throws {
        let model = try ShippedModels.load(ShippedModels.directory.appendingPathComponent("iommufd.model").path)
        #expect(model.scenarios.count >= 40)
    }

    @Test(arguments: ShippedModels.scenarios)
    func scenarioPasses(_ key: String) throws {
        let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
        let model = try ShippedModels.load(parts[0])
        let scenario = try #require(model.scenarios.first { $0.name == parts[1] })
        let result = ScenarioRunner.run(scenario, in: model)
        if let f = result.failure {
            Issue.record("step \(f.step): \(f.lineText)\n expected \(f.expected)\n actual \(f.actual)")
        }
        #expect(result.passed)
    }

    /// The mutation check of issue 10: the scenarios can fail. Flipping an expected errno in a
    /// shipped scenario makes it fail at that step.
    @Test func aScenarioWithAWrongExpectationFails() throws {
        let path = ShippedModels.directory.appendingPathComponent("example.model").path
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "=> ENOENT", with: "=> EINVAL")
        let model = try ModelLoader.load(text, path: path)
        let result = ScenarioRunner.run(model.scenarios[0], in: model)
        #expect(!result.passed)
        #expect(result.failure?.step == 6)
        #expect(result.failure?.actual == "ENOENT")
    }
}
