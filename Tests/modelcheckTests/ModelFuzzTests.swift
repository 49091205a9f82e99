import Explorer
import Foundation
import Testing
@testable import IOASIDModel
@testable import ModelCheckCLI

/// Thousands of mutated model files through the parser, `describe`, `run` and a small `check`, in
/// process: none may crash, trap or hang, and every rejection is a located diagnostic.
@Suite struct ModelFuzzTests {
    static let huge = ["0xffffffffffffffff", "99999999999999999999999", "U64_MAX", "-1", "0x", "4096G", "18446744073709551615", "0"]

    static func mutate(_ text: String, _ rng: inout SplitMix64) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0...rng.index(3) {
            guard !lines.isEmpty else { break }
            let i = rng.index(lines.count)
            switch rng.index(7) {
            case 0: // truncate the file inside a line
                let bytes = Array(lines[i].utf8)
                lines = Array(lines[..<i]) + [String(decoding: bytes.prefix(rng.index(bytes.count + 1)), as: UTF8.self)]
            case 1: // flip a byte
                var bytes = Array(lines[i].utf8)
                if !bytes.isEmpty { bytes[rng.index(bytes.count)] = UInt8(truncatingIfNeeded: rng.next()) }
                lines[i] = String(decoding: bytes, as: UTF8.self)
            case 2: lines.remove(at: i)
            case 3: lines.insert(lines[i], at: i)
            case 4: // a huge or odd number in place of a number
                var words = lines[i].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                if let w = words.indices.filter({ words[$0].contains(where: \.isNumber) }).randomElement(using: &rng) {
                    let word = words[w]
                    if let eq = word.firstIndex(of: "=") {
                        words[w] = String(word[...eq]) + huge[rng.index(huge.count)]
                    } else {
                        words[w] = huge[rng.index(huge.count)]
                    }
                }
                lines[i] = words.joined(separator: " ")
            case 5: // deep nesting
                lines.insert(contentsOf: Array(repeating: "explore {", count: 1 + rng.index(20)), at: i)
            default:
                lines.swapAt(i, rng.index(lines.count))
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test func mutatedModelsNeverCrashAndBadOnesAreLocated() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let seeds = try ["models/example.model", "models/iommufd.model", "models/iommufd-dirty.model", "models/iommufd-privileged.model",
                         "models/iommufd-viommu.model", "models/kernel-selftest/iommufd_viommu.model", "models/seeds/h16-smmu-invalidate-unissued.model"].map {
            try String(contentsOfFile: root.appendingPathComponent($0).path, encoding: .utf8)
        }
        var rng = SplitMix64(state: 20261123)
        var (accepted, rejected) = (0, 0)
        for n in 0..<4200 {
            let text = Self.mutate(seeds[n % seeds.count], &rng)
            let model: Model
            do {
                model = try ModelLoader.load(text, path: "fuzz.model")
            } catch {
                rejected += 1
                let rendered = error.description
                #expect(rendered.hasPrefix("fuzz.model:") && rendered.contains(": error: "), "\(rendered)")
                #expect(error.location.line >= 1)
                continue
            }
            accepted += 1
            _ = DescribeCommand.describe(model)
            _ = ScenarioRunner.run(model)
            if model.explore?.hasDepth == true { _ = model.open(BoundaryFuzzTests.Bounded(maxStates: 40, milliseconds: 100)) }
        }
        #expect(accepted > 100)
        #expect(rejected > 100)
    }
}

extension Array {
    func randomElement(using rng: inout SplitMix64) -> Element? {
        isEmpty ? nil : self[rng.index(count)]
    }
}

/// The boundary-value fuzz of issue 22, bounded: numbers near 2^32, 2^63 and 2^64 in numeric
/// positions of every shipped model (topology, `explore` and scenario lines), each mutant loaded,
/// described, its scenarios run and a small search made. No trap, no hang; a rejection is a
/// located diagnostic. `scripts/boundary-fuzz` runs thousands through the release binary.
@Suite struct BoundaryFuzzTests {
    static let values = ["0xffffffff", "0x100000000", "4294967296", "0x7fffffffffffffff", "0x8000000000000000",
                         "0xffffffffffffffff", "0xfffffffffffff000", "0xffffffffffe00000", "18446744073709551616", "0", "1", "64"]

    /// (line, columns) of each number outside comments and strings.
    static func numbers(in line: String) -> [Range<Int>] {
        let chars = Array(line)
        var out: [Range<Int>] = []
        var i = 0, quoted = false
        while i < chars.count {
            let c = chars[i]
            if c == "#" && !quoted { break }
            if c == "\"" { quoted.toggle() }
            let boundary = i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_")
            if !quoted, boundary, c.isNumber {
                var j = i + 1
                while j < chars.count, chars[j].isHexDigit || chars[j] == "x" { j += 1 }
                if j < chars.count, "KMGT".contains(chars[j]) { j += 1 }
                if j == chars.count || !(chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { out.append(i..<j) }
                i = j
                continue
            }
            i += 1
        }
        return out
    }

    /// `pasids 0` (found by scripts/boundary-fuzz: vfio-pasid-request built the range 1…0).
    @Test func pasidsZeroInEveryShippedModelNeverTraps() throws {
        for path in Self.shippedPaths {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            guard text.contains("\n  pasids ") else { continue }
            let mutated = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("  pasids ") ? "  pasids 0" : String($0) }.joined(separator: "\n")
            guard let model = try? ModelLoader.load(mutated, path: "fuzz.model"), model.explore?.hasDepth == true else { continue }
            _ = model.open(Bounded())
        }
    }

    /// A small search of a model, bounded in states and time: what a mutant must survive.
    struct Bounded: ProposalVisitor {
        var maxStates = 200
        var milliseconds = 200

        func visit<P: Proposal>(_ proposal: P, model: Model) -> Int {
            let search = BreadthFirstSearch(model: ProposalSearchModel(proposal, model: model),
                                            limits: SearchLimits(modelDepth: model.explore!.depth, maxStates: maxStates,
                                                                 timeLimit: .milliseconds(milliseconds), expectedStates: 256))
            return search.run().statistics.distinctStates
        }
    }

    static var shippedPaths: [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dirs = ["models", "models/seeds", "models/diff"].map { root.appendingPathComponent($0).path }
        return dirs.flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".model") }.sorted().map { dir + "/" + $0 }
        }
    }

    @Test func boundaryNumbersInEveryPositionNeverTrap() throws {
        let paths = Self.shippedPaths
        var rng = SplitMix64(state: 2026_12_05)
        var (accepted, rejected, mutants) = (0, 0, 0)
        for path in paths {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let spots = lines.indices.flatMap { i in Self.numbers(in: lines[i]).map { (i, $0) } }
            guard !spots.isEmpty else { continue }
            for _ in 0..<6 {
                var mutated = lines
                let (i, r) = spots[rng.index(spots.count)]
                var chars = Array(mutated[i])
                chars.replaceSubrange(r, with: Array(Self.values[rng.index(Self.values.count)]))
                mutated[i] = String(chars)
                mutants += 1
                let model: Model
                do {
                    model = try ModelLoader.load(mutated.joined(separator: "\n"), path: "fuzz.model")
                } catch {
                    rejected += 1
                    #expect(error.description.hasPrefix("fuzz.model:") && error.description.contains(": error: "), "\(error.description)")
                    continue
                }
                accepted += 1
                _ = DescribeCommand.describe(model)
                _ = ScenarioRunner.run(model)
                if model.explore?.hasDepth == true { _ = model.open(Bounded()) }
            }
        }
        #expect(mutants >= 250)
        #expect(accepted > 50, "the mutants should reach past the loader too (\(accepted) of \(mutants))")
        #expect(rejected > 20)
    }
}
