/// Parses translation vector files. The grammar (documented in `docs/vectors.md`):
///
///     format PRESET [pgsizes=4K,2M] [stage=1|2]
///     nested s1=PRESET s2=PRESET s1-root=GPA [s1-pgsizes=…] [s2-pgsizes=…]
///     vector "NAME" {
///       OP [s1|s2] key=value… => RESULT
///     }
///
/// Every error is a `Diagnostic` at the offending word.
public struct VectorParser {
    let path: String
    let lines: [Substring]

    /// Parses `text`, read from `path` (used only in diagnostics).
    public static func parse(_ text: String, path: String) throws(Diagnostic) -> VectorFile {
        try VectorParser(path: path, lines: text.split(separator: "\n", omittingEmptySubsequences: false)).file()
    }

    func error(_ message: String, line: Int, column: Int) -> Diagnostic {
        let text = line >= 1 && line <= lines.count ? String(lines[line - 1]).replacingCarriageReturn() : ""
        return Diagnostic(message, at: SourceLocation(file: path, line: line, column: column), lineText: text)
    }

    func words(_ line: Int) throws(Diagnostic) -> [Word] {
        switch LineScanner.words(of: lines[line - 1]) {
        case .success(let words): return words
        case .failure(let f): throw error(f.message, line: line, column: f.column)
        }
    }

    func file() throws(Diagnostic) -> VectorFile {
        var setup: VectorSetup?
        var vectors: [TranslationVector] = []
        var open: TranslationVector?
        var names: Set<String> = []
        for n in 1...max(1, lines.count) where n <= lines.count {
            let ws = try words(n)
            guard let first = ws.first else { continue }
            if var vector = open {
                if first.text == "}" && !first.isString {
                    guard ws.count == 1 else { throw error("'}' must stand alone on its line", line: n, column: ws[1].column) }
                    guard !vector.steps.isEmpty else { throw error("vector \"\(vector.name)\" has no steps", line: n, column: first.column) }
                    vectors.append(vector)
                    open = nil
                    continue
                }
                guard let setup else { throw error("a vector before the 'format' or 'nested' line", line: n, column: first.column) }
                vector.steps.append(try step(ws, line: n, setup: setup))
                open = vector
                continue
            }
            switch first.text {
            case "format", "nested":
                guard setup == nil else { throw error("the table setup is given twice", line: n, column: first.column) }
                guard vectors.isEmpty else { throw error("the table setup must come before the vectors", line: n, column: first.column) }
                setup = try header(ws, line: n)
            case "vector":
                guard setup != nil else { throw error("a vector before the 'format' or 'nested' line", line: n, column: first.column) }
                guard ws.count >= 2, ws[1].isString else { throw error("expected a quoted vector name after 'vector'", line: n, column: (ws.count >= 2 ? ws[1] : first).column + (ws.count >= 2 ? 0 : 6)) }
                guard ws.count == 3, ws[2].text == "{" else { throw error("expected '{' at the end of the vector header", line: n, column: ws.count >= 3 ? ws[2].column : ws[1].column + ws[1].text.count + 2) }
                let name = String(ws[1].text)
                guard !name.isEmpty else { throw error("a vector name may not be empty", line: n, column: ws[1].column) }
                guard names.insert(name).inserted else { throw error("duplicate vector name \"\(name)\"", line: n, column: ws[1].column) }
                open = TranslationVector(name: name, line: n, steps: [])
            default:
                throw error(Suggestion.message("expected 'format', 'nested' or 'vector', found '\(first.text)'", for: String(first.text), in: ["format", "nested", "vector"]), line: n, column: first.column)
            }
        }
        if let open { throw error("vector \"\(open.name)\" is not closed with '}'", line: open.line, column: 1) }
        guard let setup else { throw error("no 'format' or 'nested' line: the file sets up no table", line: max(1, lines.count), column: 1) }
        guard !vectors.isEmpty else { throw error("the file has no vectors", line: max(1, lines.count), column: 1) }
        return VectorFile(path: path, setup: setup, vectors: vectors)
    }

    // MARK: Header

    func header(_ ws: [Word], line: Int) throws(Diagnostic) -> VectorSetup {
        if ws[0].text == "format" {
            guard ws.count >= 2, !ws[1].text.contains("=") else { throw error("expected a format preset after 'format'", line: line, column: ws[0].column) }
            let preset = try self.preset(ws[1], line: line)
            let fields = try Fields(ws.dropFirst(2), allowed: ["pgsizes", "stage"], parser: self, line: line)
            let stage = try fields.stage("stage") ?? .stage1
            let table = try self.table(preset.format(for: stage), pageSizes: fields.pageSizes("pgsizes"), root: 0, line: line,
                                       column: fields.values["pgsizes"]?.column ?? ws[1].column)
            return .single(table, stage: stage)
        }
        let fields = try Fields(ws.dropFirst(), allowed: ["s1", "s2", "s1-root", "s1-pgsizes", "s2-pgsizes"], parser: self, line: line)
        let s1 = try preset(fields.require("s1", at: ws[0]), line: line)
        let s2 = try preset(fields.require("s2", at: ws[0]), line: line)
        let root = try fields.number("s1-root") ?? 0
        let stage1 = try table(s1.format, pageSizes: fields.pageSizes("s1-pgsizes"), root: root, line: line,
                               column: fields.values["s1-pgsizes"]?.column ?? ws[0].column)
        let stage2 = try table(s2.format(for: .stage2), pageSizes: fields.pageSizes("s2-pgsizes"), root: 0, line: line,
                               column: fields.values["s2-pgsizes"]?.column ?? ws[0].column)
        return .nested(stage1: stage1, stage2: stage2)
    }

    func preset(_ word: Word, line: Int) throws(Diagnostic) -> FormatPreset {
        guard let preset = FormatPreset(rawValue: String(word.text)) else {
            throw error(Suggestion.message("unknown format preset '\(word.text)'", for: String(word.text),
                                           in: FormatPreset.allCases.map(\.rawValue)), line: line, column: word.column)
        }
        return preset
    }

    func table(_ format: PageTableFormat, pageSizes: PageSizes?, root: UInt64, line: Int, column: Int) throws(Diagnostic) -> PageTable {
        do {
            return try PageTable(format: format, pageSizes: pageSizes, rootAddress: root)
        } catch {
            throw self.error("\(error)", line: line, column: column)
        }
    }

    // MARK: Steps

    func step(_ ws: [Word], line: Int, setup: VectorSetup) throws(Diagnostic) -> VectorStep {
        guard let arrow = ws.firstIndex(where: { $0.text == "=>" && !$0.isString }) else {
            throw error("every step needs '=> RESULT'", line: line, column: ws.last.map { $0.column + $0.text.count } ?? 1)
        }
        guard arrow > 0 else { throw error("expected an operation before '=>'", line: line, column: ws[0].column) }
        guard arrow + 1 < ws.count else { throw error("expected a result after '=>'", line: line, column: ws[arrow].column + 2) }
        let opWord = ws[0]
        var rest = ws[1..<arrow]
        var choice = TableChoice.main
        if let selector = rest.first, let picked = TableChoice(rawValue: String(selector.text)), picked != .main {
            guard case .nested = setup else { throw error("'\(selector.text)' names a stage table, but this file has a single table", line: line, column: selector.column) }
            choice = picked
            rest = rest.dropFirst()
        } else if case .nested = setup, opWord.text != "walk" {
            throw error("in a nested file, '\(opWord.text)' must name its table: s1 or s2", line: line, column: opWord.column)
        }
        let result = ws[(arrow + 1)...]
        let operation: VectorOperation
        let expectation: VectorExpectation
        switch opWord.text {
        case "map":
            let f = try Fields(rest, allowed: ["iova", "paddr", "size", "prot", "stage", "table"], parser: self, line: line)
            operation = .map(choice, iova: try f.require(number: "iova", at: opWord), paddr: try f.require(number: "paddr", at: opWord),
                             size: try f.require(number: "size", at: opWord), permissions: try f.permissions("prot", at: opWord),
                             stage: try f.stage("stage"), tableAddress: try f.number("table"))
            expectation = try status(result, line: line)
        case "unmap":
            let f = try Fields(rest, allowed: ["iova", "size", "large-leaf"], parser: self, line: line)
            operation = .unmap(choice, iova: try f.require(number: "iova", at: opWord), size: try f.require(number: "size", at: opWord),
                               largeLeaf: try f.choice("large-leaf", UnmapLargeLeaf.self) ?? .refuse)
            expectation = .bytes(try single(number: result, line: line))
        case "walk":
            let f = try Fields(rest, allowed: ["iova", "access"], parser: self, line: line)
            operation = .walk(choice, iova: try f.require(number: "iova", at: opWord), access: try f.choice("access", Access.self))
            expectation = try walkResult(result, line: line)
        case "leaves":
            _ = try Fields(rest, allowed: [], parser: self, line: line)
            operation = .leaves(choice)
            expectation = try leafList(result, line: line)
        case "tables":
            _ = try Fields(rest, allowed: [], parser: self, line: line)
            operation = .tables(choice)
            expectation = .count(Int(try single(number: result, line: line, limit: 1 << 32)))
        default:
            throw error(Suggestion.message("unknown operation '\(opWord.text)'", for: String(opWord.text),
                                           in: ["map", "unmap", "walk", "leaves", "tables"]), line: line, column: opWord.column)
        }
        return VectorStep(line: line, lineText: String(lines[line - 1]).replacingCarriageReturn(), operation: operation, expectation: expectation)
    }

    func status(_ result: ArraySlice<Word>, line: Int) throws(Diagnostic) -> VectorExpectation {
        let w = result[result.startIndex]
        guard result.count == 1 else { throw error("unexpected '\(result[result.startIndex + 1].text)' after the result", line: line, column: result[result.startIndex + 1].column) }
        if w.text == "ok" { return .status(nil) }
        guard let errno = Errno(name: String(w.text)) else {
            throw error(Suggestion.message("expected 'ok' or an errno name, found '\(w.text)'", for: String(w.text), in: ["ok"] + Errno.known.map(\.name)), line: line, column: w.column)
        }
        return .status(errno)
    }

    func single(number result: ArraySlice<Word>, line: Int, limit: UInt64 = .max) throws(Diagnostic) -> UInt64 {
        guard result.count == 1 else { throw error("unexpected '\(result[result.startIndex + 1].text)' after the result", line: line, column: result[result.startIndex + 1].column) }
        return try number(result[result.startIndex], line: line, limit: limit)
    }

    func number(_ w: Word, line: Int, limit: UInt64 = .max) throws(Diagnostic) -> UInt64 {
        switch NumberLiteral.parse(w.text) {
        case .success(let v) where v <= limit: return v
        case .success, .failure(.outOfRange): throw error("number '\(w.text)' is out of range", line: line, column: w.column)
        case .failure(.notANumber): throw error("expected a number, found '\(w.text)'", line: line, column: w.column)
        }
    }

    func walkResult(_ result: ArraySlice<Word>, line: Int) throws(Diagnostic) -> VectorExpectation {
        let head = result[result.startIndex]
        if head.text == "FAULT" {
            let f = try Fields(result.dropFirst(), allowed: ["kind", "stage", "level", "refs", "on", "s1-level"], parser: self, line: line)
            let site: ExpectedFaultSite?
            switch try f.word("on", choices: ["output", "s1-table"]) {
            case "output"?: site = .output
            case "s1-table"?: site = .stage1Table(level: try f.small("s1-level"))
            default: site = try f.small("s1-level").map { .stage1Table(level: $0) }
            }
            return .fault(kind: try f.choice("kind", FaultKind.self), stage: try f.stage("stage"),
                          level: try f.small("level"), refs: try f.small("refs"), site: site)
        }
        let output = try number(head, line: line)
        let f = try Fields(result.dropFirst(), allowed: ["page", "level", "refs", "perm"], parser: self, line: line)
        return .translated(output: output, pageSize: try f.number("page"), level: try f.small("level"),
                           refs: try f.small("refs"), permissions: try f.permissions("perm"))
    }

    func leafList(_ result: ArraySlice<Word>, line: Int) throws(Diagnostic) -> VectorExpectation {
        if result.count == 1, result[result.startIndex].text == "none" { return .leaves([]) }
        var out: [ExpectedLeaf] = []
        for w in result {
            let parts = w.text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
            let span = parts[0].split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
            guard span.count == 2 else { throw error("expected a leaf as IOVA+SIZE[@OUTPUT], or 'none'", line: line, column: w.column) }
            let iova = try number(Word(text: span[0], column: w.column, isString: false), line: line)
            let size = try number(Word(text: span[1], column: w.column + span[0].count + 1, isString: false), line: line)
            var output: UInt64?
            if parts.count == 2 {
                output = try number(Word(text: parts[1], column: w.column + parts[0].count + 1, isString: false), line: line)
            }
            out.append(ExpectedLeaf(iova: iova, size: size, output: output))
        }
        return .leaves(out)
    }
}

/// The `key=value` words of a step, checked against the keys its operation takes.
struct Fields {
    let parser: VectorParser
    let line: Int
    var values: [String: Word] = [:]

    init(_ words: ArraySlice<Word>, allowed: [String], parser: VectorParser, line: Int) throws(Diagnostic) {
        self.parser = parser
        self.line = line
        for w in words {
            guard !w.isString, let eq = w.text.firstIndex(of: "="), eq != w.text.startIndex else {
                throw parser.error("expected key=value, found '\(w.text)'", line: line, column: w.column)
            }
            let key = String(w.text[..<eq])
            guard allowed.contains(key) else {
                let what = allowed.isEmpty ? "this operation takes no fields" : "unknown field '\(key)'"
                throw parser.error(Suggestion.message(what, for: key, in: allowed), line: line, column: w.column)
            }
            guard values[key] == nil else { throw parser.error("field '\(key)' is given twice", line: line, column: w.column) }
            let value = w.text[w.text.index(after: eq)...]
            guard !value.isEmpty else { throw parser.error("field '\(key)' has no value", line: line, column: w.column + key.count + 1) }
            values[key] = Word(text: value, column: w.column + key.count + 1, isString: false)
        }
    }

    func require(_ key: String, at op: Word) throws(Diagnostic) -> Word {
        guard let w = values[key] else { throw parser.error("missing field '\(key)='", line: line, column: op.column) }
        return w
    }

    func number(_ key: String) throws(Diagnostic) -> UInt64? {
        guard let w = values[key] else { return nil }
        return try parser.number(w, line: line)
    }

    func require(number key: String, at op: Word) throws(Diagnostic) -> UInt64 {
        try parser.number(require(key, at: op), line: line)
    }

    func small(_ key: String) throws(Diagnostic) -> Int? {
        guard let w = values[key] else { return nil }
        return Int(try parser.number(w, line: line, limit: 1 << 20))
    }

    func word(_ key: String, choices: [String]) throws(Diagnostic) -> String? {
        guard let w = values[key] else { return nil }
        guard choices.contains(String(w.text)) else {
            throw parser.error(Suggestion.message("'\(w.text)' is not one of \(choices.joined(separator: ", "))", for: String(w.text), in: choices), line: line, column: w.column)
        }
        return String(w.text)
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(Diagnostic) -> T? where T.RawValue == String {
        guard let text = try word(key, choices: T.allCases.map(\.rawValue)) else { return nil }
        return T(rawValue: text)
    }

    func stage(_ key: String) throws(Diagnostic) -> TranslationStage? {
        guard let text = try word(key, choices: ["1", "2"]) else { return nil }
        return text == "1" ? .stage1 : .stage2
    }

    func permissions(_ key: String, at op: Word) throws(Diagnostic) -> Permissions {
        guard let p = try permissions(key) else { throw parser.error("missing field '\(key)='", line: line, column: op.column) }
        return p
    }

    func permissions(_ key: String) throws(Diagnostic) -> Permissions? {
        guard let w = values[key] else { return nil }
        guard let p = Permissions(letters: String(w.text)) else {
            throw parser.error("permissions are written with the letters r, w and c, found '\(w.text)'", line: line, column: w.column)
        }
        return p
    }

    func pageSizes(_ key: String) throws(Diagnostic) -> PageSizes? {
        guard let w = values[key] else { return nil }
        var sizes: [UInt64] = []
        var column = w.column
        for part in w.text.split(separator: ",", omittingEmptySubsequences: false) {
            let size = try parser.number(Word(text: part, column: column, isString: false), line: line)
            guard size.nonzeroBitCount == 1 else { throw parser.error("page size '\(part)' is not a power of two", line: line, column: column) }
            sizes.append(size)
            column += part.count + 1
        }
        return PageSizes(sizes)
    }
}

extension String {
    func replacingCarriageReturn() -> String { hasSuffix("\r") ? String(dropLast()) : self }
}
