/// The hand-written parser of the model language (`SPEC.md` §2): one statement a line, blocks
/// opened by `{` at the end of a header and closed by `}` alone on a line. It builds a
/// `ModelSyntax`; `ModelLoader` then checks names and values.
public struct ModelParser {
    let path: String
    let lines: [String]
    var index = 0

    public static let keywords = ["model", "proposal", "set", "iommu", "device", "memory", "memfd", "host", "vsva", "container",
                                  "goal", "explore", "check", "expect", "scenario"]

    /// Parses `text`; the first error is thrown as a located diagnostic.
    public static func parse(_ text: String, path: String) throws(Diagnostic) -> ModelSyntax {
        var parser = ModelParser(path: path, lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        return try parser.parseFile()
    }

    func error(_ message: String, line: Int, column: Int) -> Diagnostic {
        let text = line >= 1 && line <= lines.count ? lines[line - 1] : ""
        return Diagnostic(message, at: SourceLocation(file: path, line: line, column: max(1, column)), lineText: text)
    }

    func error(_ message: String, at word: Located<String>) -> Diagnostic {
        error(message, line: word.location.line, column: word.location.column)
    }

    /// The words of line `n` (1-based), located.
    func words(ofLine n: Int) throws(Diagnostic) -> [Located<String>] {
        switch LineScanner.words(of: Substring(lines[n - 1])) {
        case .failure(let e): throw error(e.message, line: n, column: e.column)
        case .success(let ws):
            return ws.map { Located($0.isString ? "\"" + String($0.text) : String($0.text), SourceLocation(file: path, line: n, column: $0.column)) }
        }
    }

    mutating func parseFile() throws(Diagnostic) -> ModelSyntax {
        var model = ModelSyntax(path: path, lines: lines)
        while index < lines.count {
            index += 1
            let n = index
            let ws = try words(ofLine: n)
            guard let head = ws.first else { continue }
            let rest = Array(ws.dropFirst())
            switch head.value {
            case "model":
                guard model.title == nil else { throw error("duplicate 'model' statement", at: head) }
                model.title = try string(rest, after: head)
            case "proposal":
                guard model.proposal == nil else { throw error("duplicate 'proposal' statement", at: head) }
                model.proposal = try single(rest, after: head, what: "a proposal name")
            case "set":
                guard rest.count == 3, rest[1].value == "=" else {
                    throw error("expected 'set KNOB = VALUE'", at: rest.first ?? head)
                }
                model.knobs.append((rest[0], rest[2]))
            case "iommu", "device":
                let name = try single(Array(rest.prefix(1)), after: head, what: "a name")
                try checkName(name)
                let attrs = try attributes(Array(rest.dropFirst()))
                if head.value == "iommu" { model.iommus.append((name, attrs)) } else { model.devices.append((name, attrs)) }
            case "memfd":
                let name = try single(Array(rest.prefix(1)), after: head, what: "a name")
                try checkName(name)
                model.memfds.append((name, try attributes(Array(rest.dropFirst()))))
            case "memory":
                model.memory.append(StatementLine(words: rest, lineText: lines[n - 1], line: n))
            case "host":
                model.host += try attributes(rest)
            case "vsva":
                guard model.vsva == nil else { throw error("duplicate 'vsva' statement", at: head) }
                model.vsva = StatementLine(words: rest, lineText: lines[n - 1], line: n)
            case "container":
                guard let name = rest.first else {
                    throw error("expected a container name after 'container'", line: n, column: lines[n - 1].count + 1)
                }
                try checkName(name)
                model.containers.append(name)
                model.containerAttributes.append(try attributes(Array(rest.dropFirst())))
            case "check":
                guard model.checks == nil else { throw error("duplicate 'check' statement", at: head) }
                guard !rest.isEmpty else { throw error("expected 'all' or invariant names after 'check'", line: n, column: lines[n - 1].count + 1) }
                model.checks = rest
            case "expect":
                guard !rest.isEmpty else { throw error("expected 'holds', 'violation INV', 'reachable GOAL' or 'unreachable GOAL'", line: n, column: lines[n - 1].count + 1) }
                model.expects.append(StatementLine(words: rest, lineText: lines[n - 1], line: n))
            case "explore":
                guard model.explore == nil else { throw error("duplicate 'explore' block", at: head) }
                try openBrace(rest, after: head, count: 0)
                model.exploreLocation = head.location
                model.explore = try blockLines(openedAt: head)
            case "goal":
                let name = try single(Array(rest.prefix(1)), after: head, what: "a goal name")
                try checkName(name)
                try openBrace(Array(rest.dropFirst()), after: name, count: 0)
                model.goals.append(GoalSyntax(name: name, atoms: try blockLines(openedAt: head)))
            case "scenario":
                let name = try string(Array(rest.prefix(1)), after: head)
                try openBrace(Array(rest.dropFirst()), after: name, count: 0)
                model.scenarios.append(try scenario(name: name, openedAt: head))
            case "}":
                throw error("'}' without an open block", at: head)
            default:
                throw error(Suggestion.message("unknown statement '\(head.value)'", for: head.value, in: Self.keywords), at: head)
            }
        }
        return model
    }

    func string(_ rest: [Located<String>], after head: Located<String>) throws(Diagnostic) -> Located<String> {
        guard let w = rest.first, w.value.hasPrefix("\"") else {
            throw error("expected a quoted string after '\(head.value)'", line: head.location.line,
                        column: rest.first?.location.column ?? lines[head.location.line - 1].count + 1)
        }
        if rest.count > 1, rest[1].value != "{" { throw error("unexpected '\(rest[1].value)'", at: rest[1]) }
        return Located(String(w.value.dropFirst()), w.location)
    }

    func single(_ rest: [Located<String>], after head: Located<String>, what: String) throws(Diagnostic) -> Located<String> {
        guard let w = rest.first else {
            throw error("expected \(what) after '\(head.value)'", line: head.location.line, column: lines[head.location.line - 1].count + 1)
        }
        if rest.count > 1 { throw error("unexpected '\(rest[1].value)'", at: rest[1]) }
        return w
    }

    func checkName(_ w: Located<String>) throws(Diagnostic) {
        guard Self.isName(w.value) else { throw error("'\(w.value)' is not a name ([A-Za-z_][A-Za-z0-9_-]*)", at: w) }
    }

    static func isName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f.isASCII, f == "_" || (f.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0 == "-" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    func openBrace(_ rest: [Located<String>], after head: Located<String>, count: Int) throws(Diagnostic) {
        guard let w = rest.first, w.value == "{" else {
            throw error("expected '{' at the end of the '\(head.value)' line", line: head.location.line,
                        column: rest.first?.location.column ?? lines[head.location.line - 1].count + 1)
        }
        if rest.count > 1 {
            throw error("unexpected '\(rest[1].value)' after '{': a block holds one step or statement a line, after the '{' line, and ends with '}' on a line of its own", at: rest[1])
        }
    }

    /// `key=value` words (a bare word is a flag).
    func attributes(_ ws: [Located<String>]) throws(Diagnostic) -> [Attribute] {
        var out: [Attribute] = []
        for w in ws {
            if let eq = w.value.firstIndex(of: "=") {
                let key = String(w.value[..<eq]), value = String(w.value[w.value.index(after: eq)...])
                guard !key.isEmpty else { throw error("expected a field name before '='", at: w) }
                guard !value.isEmpty else {
                    throw error("expected a value after '\(key)='", line: w.location.line, column: w.location.column + key.count + 1)
                }
                var loc = w.location
                loc.column += key.count + 1
                out.append(Attribute(key: Located(key, w.location), value: Located(value, loc)))
            } else {
                out.append(Attribute(key: w, value: nil))
            }
        }
        return out
    }

    /// The lines of a block up to its `}` (nested blocks are not part of the language).
    mutating func blockLines(openedAt head: Located<String>) throws(Diagnostic) -> [StatementLine] {
        var out: [StatementLine] = []
        while index < lines.count {
            index += 1
            let ws = try words(ofLine: index)
            guard let first = ws.first else { continue }
            if first.value == "}" {
                if ws.count > 1 { throw error("'}' must be alone on its line", at: ws[1]) }
                return out
            }
            if ws.last?.value == "{" { throw error("blocks do not nest here; close the '\(head.value)' block first", at: ws.last!) }
            out.append(StatementLine(words: ws, lineText: lines[index - 1], line: index))
        }
        throw error("'\(head.value)' block is not closed: expected '}' before the end of the file", at: head)
    }

    mutating func scenario(name: Located<String>, openedAt head: Located<String>) throws(Diagnostic) -> ScenarioSyntax {
        let body = try blockLines(openedAt: head)
        var steps: [StepSyntax] = []
        var expectViolation: Located<String>?
        for (i, line) in body.enumerated() {
            let ws = line.words
            if ws[0].value == "expect" {
                guard i == body.count - 1 else { throw error("'expect violation' must be the scenario's last line", at: ws[0]) }
                guard ws.count == 3, ws[1].value == "violation" else { throw error("expected 'expect violation INVARIANT'", at: ws[0]) }
                expectViolation = ws[2]
                continue
            }
            steps.append(try step(line))
        }
        return ScenarioSyntax(name: name, steps: steps, expectViolation: expectViolation)
    }

    func step(_ line: StatementLine) throws(Diagnostic) -> StepSyntax {
        var ws = line.words[...]
        var binding: Located<String>?
        if ws.count >= 2, ws[ws.startIndex + 1].value == "=" {
            binding = ws.first
            try checkName(binding!)
            ws = ws.dropFirst(2)
        }
        guard let op = ws.first else { throw error("expected an operation after '='", line: line.line, column: line.lineText.count + 1) }
        guard let arrow = ws.firstIndex(where: { $0.value == "=>" }) else {
            throw error("every scenario step needs '=> RESULT'", line: line.line, column: line.lineText.count + 1)
        }
        guard arrow > ws.startIndex else { throw error("expected an operation before '=>'", at: ws[arrow]) }
        let fields = try attributes(Array(ws[ws.index(after: ws.startIndex)..<arrow]))
        for f in fields where f.value == nil { throw error("expected 'field=value', found '\(f.key.value)'", at: f.key) }
        let after = Array(ws[ws.index(after: arrow)...])
        guard let result = after.first else {
            throw error("expected a result after '=>'", line: line.line, column: line.lineText.count + 1)
        }
        let resultFields = try attributes(Array(after.dropFirst()))
        for f in resultFields where f.value == nil { throw error("expected 'field=value' after the result, found '\(f.key.value)'", at: f.key) }
        return StepSyntax(binding: binding, operation: op, fields: fields, result: result, resultFields: resultFields, lineText: line.lineText)
    }
}
