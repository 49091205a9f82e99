/// A place in an input file: 1-based line and column (columns count characters).
public struct SourceLocation: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
}

/// An error in an input file, rendered as `FILE:LINE:COL: error: MESSAGE`, then the offending line
/// and a caret under the column — the form every command uses for bad input (exit code 2).
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The text of the offending line, without its newline.
    public var lineText: String

    public init(_ message: String, at location: SourceLocation, lineText: String) {
        self.message = message
        self.location = location
        self.lineText = lineText
    }

    /// The three-line rendering.
    public var description: String {
        let head = "\(location.file):\(location.line):\(location.column): error: \(message)"
        // Tabs are kept under the caret so that it lines up in a terminal.
        let pad = lineText.prefix(max(0, location.column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        return "\(head)\n\(lineText)\n\(pad)^"
    }
}

/// "Did you mean" for misspelt names: the candidate at the smallest edit distance, if close enough.
public enum Suggestion {
    /// The closest of `candidates` to `word` within a distance of a third of its length (at least 2).
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        // A long enough prefix of a single candidate is what the user meant.
        let prefixed = candidates.filter { word.count >= 3 && $0.hasPrefix(word) }
        if prefixed.count == 1 { return prefixed[0] }
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(Array(word.lowercased()), Array(candidate.lowercased()))
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// `message`, followed by `; did you mean 'X'?` when a candidate is close, and by the words
    /// that would be accepted (at most 24 of them; a longer list says how many more there are).
    public static func message(_ message: String, for word: String, in candidates: [String]) -> String {
        var out = message
        if let hit = closest(to: word, in: candidates) { out += "; did you mean '\(hit)'?" }
        // A message that names every choice already needs no list.
        return candidates.allSatisfy(message.contains) ? out : out + choices(candidates)
    }

    /// ` (expected one of: a, b, c)`, or nothing when there is nothing to choose from.
    public static func choices(_ candidates: [String]) -> String {
        var seen = Set<String>()
        let unique = candidates.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return "" }
        let shown = unique.prefix(24).joined(separator: ", ")
        return " (expected one of: \(shown)\(unique.count > 24 ? ", … \(unique.count - 24) more" : ""))"
    }

    /// Levenshtein distance.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
