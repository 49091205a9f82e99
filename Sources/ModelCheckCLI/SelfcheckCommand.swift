import IOASIDModel

/// `modelcheck selfcheck`: runs the translation vectors of every format preset and prints a table
/// of format, vectors, passed and walks per second.
enum SelfcheckCommand {
    static let spec = CommandSpec(
        name: "selfcheck",
        summary: "run the translation-core vectors (models/translation/*.vectors) and print a table",
        usage: "modelcheck selfcheck [--quiet] [--no-timing] [FILE.vectors | DIR]...",
        options: [
            OptionSpec(name: "quiet", value: nil, help: "print only failures and the closing line"),
            OptionSpec(name: "no-timing", value: nil, help: "skip the walks/s measurement"),
        ],
        details: """
        With no argument it runs models/translation/. A vector lists steps such as
          map iova=0x200000 paddr=0x40200000 size=4M prot=rw   => ok
          walk iova=0x3ff000 access=read                      => 0x403ff000 page=2M level=2 refs=3
        and fails at its first step whose result differs; docs/vectors.md describes the format.
        Exit code: 0 all vectors pass, 1 a vector failed, 2 a file could not be read or parsed.
        """)

    static func run(_ parsed: ParsedArguments, console: Console) throws(UsageError) -> Int32 {
        let paths = try InputFiles.expand(parsed.positionals.isEmpty ? ["models/translation"] : parsed.positionals, extension: "vectors")
        let quiet = parsed.flags.contains("quiet")
        var rows: [(format: String, file: String, vectors: Int, passed: Int, rate: Double?)] = []
        var worst: Int32 = 0
        var (total, passed) = (0, 0)
        var unloaded = 0
        for path in paths {
            let text: String
            do {
                text = try InputFiles.read(path)
            } catch {
                console.err("modelcheck: error: \(error)")
                worst = 2
                unloaded += 1
                continue
            }
            let file: VectorFile
            do {
                file = try VectorParser.parse(text, path: path)
            } catch {
                console.err(error.description)
                worst = 2
                unloaded += 1
                continue
            }
            let report = VectorRunner.run(file)
            for failure in report.failures {
                console.out("\(path):\(failure.line): vector \"\(failure.vector)\" failed\n  \(failure.lineText.trimmingSpaces)\n  expected: \(failure.expected)\n  actual:   \(failure.actual)")
            }
            if !report.failures.isEmpty, worst < 2 { worst = 1 }
            total += report.vectors
            passed += report.passed
            let rate = parsed.flags.contains("no-timing") ? nil : WalkTiming.walksPerSecond(file)
            rows.append((report.formatName, path.split(separator: "/").last.map(String.init) ?? path, report.vectors, report.passed, rate))
        }
        if !quiet, !rows.isEmpty {
            console.out(Table.render(header: ["format", "file", "vectors", "passed", "walks/s"],
                                     rows: rows.map { [$0.format, $0.file, "\($0.vectors)", "\($0.passed)", $0.rate.map(Table.rate) ?? "-"] },
                                     rightAligned: [2, 3, 4]))
        }
        console.out("\(passed) passed, \(total - passed) failed" + (unloaded == 0 ? "" : "; \(unloaded) file(s) did not load (see the errors above)"))
        return worst
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
