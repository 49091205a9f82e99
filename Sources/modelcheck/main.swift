#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ModelCheckCLI

exit(Tool.run(Array(CommandLine.arguments.dropFirst()), console: .standard))
