import Testing
@testable import IOASIDModel

/// Bad vector files give `FILE:LINE:COL: error: …` at the offending word, never a trap.
@Suite struct VectorParserTests {
    func diagnostic(_ text: String) -> Diagnostic? {
        do {
            _ = try VectorParser.parse(text, path: "t.vectors")
            return nil
        } catch {
            return error
        }
    }

    let good = """
    format tiny-4k-2x2
    vector "a" {
      map iova=0x0 paddr=0x0 size=4K prot=rw => ok
    }
    """

    @Test func aGoodFileParses() {
        #expect(diagnostic(good) == nil)
    }

    @Test(arguments: [
        ("format tiny-4k-2x3\nvector \"a\" {\n  walk iova=0 => FAULT\n}", 1, 8, "unknown format preset 'tiny-4k-2x3'; did you mean 'tiny-4k-2x2'?"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  mpa iova=0 => ok\n}", 3, 3, "unknown operation 'mpa'; did you mean 'map'?"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  walk iova=0\n}", 3, 14, "every step needs '=> RESULT'"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  walk iova=0x1ffffffffffffffff => FAULT\n}", 3, 13, "number '0x1ffffffffffffffff' is out of range"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  walk iovaa=0 => FAULT\n}", 3, 8, "unknown field 'iovaa'; did you mean 'iova'?"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  walk iova=0 => FAULT kind=transl\n}", 3, 29, "'transl' is not one of translation, permission, address-size; did you mean 'translation'?"),
        ("format tiny-4k-2x2\nvector \"a {\n", 2, 8, "unterminated string"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  walk iova=0 => FAULT\n", 2, 1, "vector \"a\" is not closed with '}'"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  walk iova=0 => FAULT\n}\nvector \"a\" {\n  walk iova=0 => FAULT\n}", 5, 8, "duplicate vector name \"a\""),
        ("format tiny-4k-2x2\nvector \"a\" {\n  map iova=0 paddr=0 size=4K => ok\n}", 3, 3, "missing field 'prot='"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  map iova=0 paddr=0 size=4K prot=rx => ok\n}", 3, 35, "permissions are written with the letters r, w and c, found 'rx'"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  map iova=0 paddr=0 size=4K prot=r => EFOO\n}", 3, 40, "expected 'ok' or an errno name, found 'EFOO'; did you mean 'EIO'?"),
        ("format tiny-4k-2x2 pgsizes=4K,8K\nvector \"a\" {\n  walk iova=0 => FAULT\n}", 1, 28, "page size 8K is not a leaf size of the format"),
        ("nested s1=tiny-4k-2x2 s2=tiny-4k-2x2\nvector \"a\" {\n  map iova=0 paddr=0 size=4K prot=r => ok\n}", 3, 3, "in a nested file, 'map' must name its table: s1 or s2"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  map s1 iova=0 paddr=0 size=4K prot=r => ok\n}", 3, 7, "'s1' names a stage table, but this file has a single table"),
        ("vector \"a\" {\n}", 1, 1, "a vector before the 'format' or 'nested' line"),
        ("", 1, 1, "no 'format' or 'nested' line: the file sets up no table"),
        ("format tiny-4k-2x2\nvectr \"a\" {", 2, 1, "expected 'format', 'nested' or 'vector', found 'vectr'; did you mean 'vector'?"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  walk iova=0 => FAULT\n} x", 4, 3, "'}' must stand alone on its line"),
        ("format tiny-4k-2x2\nvector \"a\" {\n  leaves => 0x0+\n}", 3, 17, "expected a number, found ''"),
    ])
    func badInputIsLocated(text: String, line: Int, column: Int, message: String) throws {
        let d = try #require(diagnostic(text))
        #expect(d.message.withoutChoices == message)
        #expect(d.location.line == line)
        #expect(d.location.column == column)
        #expect(d.description.hasPrefix("t.vectors:\(line):\(column): error: \(d.message)\n"))
    }

    @Test func theCaretSitsUnderTheColumn() throws {
        let d = try #require(diagnostic("format tiny-4k-2x2\nvector \"a\" {\n  mpa iova=0 => ok\n}"))
        let lines = d.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[1] == "  mpa iova=0 => ok")
        #expect(lines[2] == "  ^")
    }

    /// Thousands of mutated files (truncations, byte flips, dropped and duplicated lines, huge
    /// numbers) either parse or give a located diagnostic; whatever parses also runs.
    @Test func mutatedFilesNeverTrap() throws {
        var rng = SplitMix64(state: 42)
        let seeds = try ShippedVectors.paths.map { try String(contentsOfFile: $0, encoding: .utf8) }
        let noise: [String] = ["U64_MAX", "0xffffffffffffffff", "99999999999999999999G", "=>", "{", "}", "\"", "#", "=", "-1", "\t", "\u{0}", "é"]
        var parsed = 0, rejected = 0
        for _ in 0..<3000 {
            var lines = seeds[Int(rng.below(UInt64(seeds.count)))].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0...rng.below(3) {
                guard !lines.isEmpty else { break }
                let i = Int(rng.below(UInt64(lines.count)))
                switch rng.below(6) {
                case 0: lines.remove(at: i)
                case 1: lines.insert(lines[i], at: i)
                case 2:
                    var bytes = Array(lines[i].utf8)
                    if !bytes.isEmpty { bytes[Int(rng.below(UInt64(bytes.count)))] = UInt8(truncatingIfNeeded: rng.next()) }
                    lines[i] = String(decoding: bytes, as: UTF8.self)
                case 3:
                    let words = lines[i].split(separator: " ")
                    lines[i] = words.map { rng.below(4) == 0 ? noise[Int(rng.below(UInt64(noise.count)))] : String($0) }.joined(separator: " ")
                case 4: lines[i] = String(lines[i].prefix(Int(rng.below(UInt64(lines[i].count + 1)))))
                default: lines = Array(lines.prefix(i))
                }
            }
            do {
                let file = try VectorParser.parse(lines.joined(separator: "\n"), path: "m.vectors")
                _ = VectorRunner.run(file)
                parsed += 1
            } catch {
                #expect(error.location.line >= 1 && error.location.column >= 1)
                #expect(error.description.hasPrefix("m.vectors:\(error.location.line):\(error.location.column): error: "))
                rejected += 1
            }
        }
        #expect(parsed > 100 && rejected > 100)
    }
}
