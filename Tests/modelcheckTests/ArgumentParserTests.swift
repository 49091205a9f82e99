import Testing
@testable import ModelCheckCLI

@Suite struct ArgumentParserTests {
    let specs = [CommandSpec(name: "check", summary: "s", usage: "u", options: [
        OptionSpec(name: "workers", value: "N", help: "h"),
        OptionSpec(name: "quiet", value: nil, help: "h"),
    ])]

    @Test func optionsFlagsAndPositionals() throws {
        let p = try ArgumentParser.parse(["check", "a.model", "--workers", "2", "--quiet", "--", "--b.model"], commands: specs)
        #expect(p == ParsedArguments(command: "check", values: ["workers": "2"], flags: ["quiet"], positionals: ["a.model", "--b.model"]))
        let q = try ArgumentParser.parse(["check", "--workers=3"], commands: specs)
        #expect(q.values["workers"] == "3")
        #expect(try ArgumentParser.integer(q, "workers", in: 1...64) == 3)
    }

    @Test(arguments: [
        (["chek"], "unknown command 'chek'; did you mean 'check'?"),
        (["check", "--wokers", "2"], "unknown option '--wokers' for 'check'; did you mean '--workers'?"),
        (["check", "--workers"], "option '--workers' needs a value (N)"),
        (["check", "--quiet=yes"], "option '--quiet' takes no value"),
        (["check", "--workers", "1", "--workers", "2"], "option '--workers' is given twice"),
        (["check", "-x"], "unknown option '-x' for 'check'"),
        ([], "no command given; try 'modelcheck --help'"),
    ])
    func usageErrorsAreNamed(arguments: [String], message: String) {
        #expect(throws: UsageError(message: message)) { try ArgumentParser.parse(arguments, commands: specs) }
    }

    @Test func integersAreRangeChecked() throws {
        let p = try ArgumentParser.parse(["check", "--workers", "0"], commands: specs)
        #expect(throws: UsageError(message: "option '--workers' takes a whole number from 1 to 64, not '0'")) {
            try ArgumentParser.integer(p, "workers", in: 1...64)
        }
    }
}
