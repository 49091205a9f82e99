import Explorer
import IOASIDModel
import Foundation

/// `check --checkpoint DIR` and `--resume DIR`: where each finished BFS level is saved, and the
/// level a run resumes from (`Explorer.CheckpointPlan`).
enum CheckpointOptions {
    /// The directory given, and whether to resume from it.
    struct Request {
        var directory: String
        var resume: Bool
    }

    static func request(_ parsed: ParsedArguments, strategy: SearchRequest.Strategy) throws(UsageError) -> Request? {
        let save = parsed.values["checkpoint"], resume = parsed.values["resume"]
        if let save, let resume, save != resume {
            throw UsageError(message: "--checkpoint and --resume name different directories ('\(save)', '\(resume)'); a resumed run goes on saving where it resumed from")
        }
        guard let directory = resume ?? save else { return nil }
        guard strategy == .bfs else { throw UsageError(message: "--checkpoint and --resume need --strategy bfs (levels are what is saved)") }
        guard parsed.positionals.count == 1 else { throw UsageError(message: "--checkpoint and --resume take one model file") }
        return Request(directory: directory, resume: resume != nil)
    }

    /// The plan for the model at `path`: its key covers the file's bytes and the options that
    /// shape the state space. Prints the error and returns nil when it cannot be used.
    static func plan(_ request: Request, path: String, symmetry: Bool, console: Console) -> CheckpointPlan? {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            console.err("\(path):1:1: error: cannot read the model file")
            return nil
        }
        var key = Fingerprint()
        for b in bytes { key.mix(UInt64(b)) }
        key.mix(symmetry ? 1 : 0)
        var plan = CheckpointPlan(directory: request.directory, key: key.value)
        if request.resume {
            do {
                plan.resume = try Checkpoint.read(plan)
            } catch {
                console.err("modelcheck: error: \(error.description)")
                return nil
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: request.directory, withIntermediateDirectories: true)
            } catch {
                console.err("modelcheck: error: cannot create the checkpoint directory '\(request.directory)': \(error.localizedDescription)")
                return nil
            }
        }
        return plan
    }
}
