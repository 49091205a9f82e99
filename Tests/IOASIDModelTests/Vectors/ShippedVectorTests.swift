import Foundation
import Testing
@testable import IOASIDModel

/// The vector files in `models/translation/` — the data `modelcheck selfcheck` runs.
enum ShippedVectors {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models/translation")

    static var paths: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".vectors") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    static func load(_ path: String) throws -> VectorFile {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try VectorParser.parse(text, path: path)
    }
}

@Suite struct ShippedVectorTests {
    @Test(arguments: ShippedVectors.paths)
    func everyVectorOfTheFilePasses(path: String) throws {
        let report = VectorRunner.run(try ShippedVectors.load(path))
        for f in report.failures {
            Issue.record("\(path):\(f.line): \(f.vector): expected \(f.expected), got \(f.actual)")
        }
        #expect(report.passed == report.vectors)
    }

    @Test func thereAreAtLeastFortyVectorsCoveringEveryPreset() throws {
        let files = try ShippedVectors.paths.map(ShippedVectors.load)
        #expect(files.map(\.vectors.count).reduce(0, +) >= 40)
        var covered: Set<FormatPreset> = []
        for file in files {
            switch file.setup {
            case .single(let t, _): FormatPreset(format: t.format).map { covered.insert($0) }
            case .nested(let s1, let s2):
                FormatPreset(format: s1.format).map { covered.insert($0) }
                FormatPreset(format: s2.format).map { covered.insert($0) }
            }
        }
        #expect(covered == Set(FormatPreset.allCases))
    }

    /// The vectors can fail: changing one expected value in every file makes the runner report it.
    @Test(arguments: ShippedVectors.paths)
    func aWrongExpectationIsReported(path: String) throws {
        var file = try ShippedVectors.load(path)
        guard let (v, s) = file.vectors.indices.lazy.flatMap({ v in file.vectors[v].steps.indices.map { (v, $0) } }).first(where: { v, s in
            if case .translated = file.vectors[v].steps[s].expectation { return true }
            if case .bytes = file.vectors[v].steps[s].expectation { return true }
            return false
        }) else { return }
        switch file.vectors[v].steps[s].expectation {
        case .translated(let output, let page, let level, let refs, let perms):
            file.vectors[v].steps[s].expectation = .translated(output: output &+ 0x1000, pageSize: page, level: level, refs: refs, permissions: perms)
        case .bytes(let b):
            file.vectors[v].steps[s].expectation = .bytes(b &+ 0x1000)
        default: break
        }
        let report = VectorRunner.run(file)
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.line == file.vectors[v].steps[s].line)
    }
}
