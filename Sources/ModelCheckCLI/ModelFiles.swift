import IOASIDModel

/// Loading model files for a command: read errors are usage errors, language errors located
/// diagnostics; either way the file is skipped and the command exits 2.
enum ModelFiles {
    static func load(_ path: String, console: Console) -> Model? {
        let text: String
        do {
            text = try InputFiles.read(path)
        } catch {
            console.err("modelcheck: error: \(error)")
            return nil
        }
        do {
            return try ModelLoader.load(text, path: path)
        } catch {
            console.err(error.description)
            return nil
        }
    }

    /// The paths given, directories expanded to their `.model` files.
    static func paths(_ parsed: ParsedArguments) throws(UsageError) -> [String] {
        guard !parsed.positionals.isEmpty else { throw UsageError(message: "\(parsed.command): expected one or more model files") }
        return try InputFiles.expand(parsed.positionals, extension: "model")
    }

    /// SPEC §1: with several files the exit code is the worst in the order 2 > 1 > 3 > 0.
    static func worst(_ a: Int32, _ b: Int32) -> Int32 {
        let rank: [Int32: Int] = [0: 0, 3: 1, 1: 2, 2: 3]
        return (rank[a] ?? 3) >= (rank[b] ?? 3) ? a : b
    }
}
