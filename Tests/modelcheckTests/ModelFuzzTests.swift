import Explorer
import Foundation
import Testing
@testable import IOASIDModel
@testable import modelcheck

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
        let seeds = try ["models/example.model", "models/iommufd.model"].map {
            try String(contentsOfFile: root.appendingPathComponent($0).path, encoding: .utf8)
        }
        var rng = SplitMix64(state: 20261123)
        var (accepted, rejected) = (0, 0)
        for n in 0..<3000 {
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
            if model.explore?.hasDepth == true {
                struct Bounded: ProposalVisitor {
                    func visit<P: Proposal>(_ proposal: P, model: Model) -> Int {
                        let search = BreadthFirstSearch(model: ProposalSearchModel(proposal, model: model),
                                                        limits: SearchLimits(modelDepth: model.explore!.depth, maxStates: 40,
                                                                             timeLimit: .milliseconds(100), expectedStates: 64))
                        return search.run().statistics.distinctStates
                    }
                }
                _ = model.open(Bounded())
            }
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
