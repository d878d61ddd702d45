import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QSLConfig
import QSLConfigOperations
import QSLConfigCore

#if canImport(Glibc)
import Glibc
#endif

struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Resolve a service's configuration, then replace this process with COMMAND.",
        discussion: """
            COMMAND inherits this process's environment, byte for byte, plus every key resolved from the \
            files, and every variable that held a reference, as an ASP.NET-style variable (Section:Key \
            becomes Section__Key). Secrets go only into COMMAND's environment: \
            never onto a command line, into a file or a log. Use it as a container's entrypoint:

              qsl-config exec --config-dir /app -- dotnet UserService.dll
            """
    )

    @OptionGroup var source: ConfigSourceOptions
    @OptionGroup var stores: StoreOptions

    @Flag(
        name: .customLong("from-environment"),
        help: "Take the configuration from this process's environment only (no files): resolve the references in its variables, as an ECS entrypoint does.")
    var fromEnvironment = false

    @Option(
        name: .customLong("variable"),
        help: ArgumentHelp(
            "With --from-environment: resolve only this variable (repeatable); every other variable passes through unchanged. ECS bundles list the variables that hold references.",
            valueName: "name"))
    var onlyVariables: [String] = []

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command to run and its arguments, after `--`.", valueName: "command"))
    var command: [String] = []

    func validate() throws {
        if fromEnvironment, source.configDir != nil || source.root != nil {
            throw ValidationError("--from-environment takes the configuration from the environment; drop --config-dir and --root.")
        }
        if !onlyVariables.isEmpty, !fromEnvironment {
            throw ValidationError("--variable selects variables of the environment; it needs --from-environment.")
        }
        guard !command.isEmpty else { throw ValidationError("Name the command to run after `--`, e.g. `qsl-config exec --config-dir DIR -- dotnet App.dll`.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let resolved: ResolvedConfiguration
        do {
            if fromEnvironment {
                let store: any SecretStore
                do { store = try stores.makeStore(environment: environment) } catch {
                    throw fail([Diagnostic(at: nil, error.message, rule: "store")], status: ExitStatus.badInput)
                }
                let only = onlyVariables.isEmpty ? nil : Set(onlyVariables)
                resolved = try await ConfigurationLoader().load(.fromEnvironment(environment, only: only, store: store))
            } else {
                resolved = try await ConfigurationLoader().load(try source.options(environment: environment, arguments: [], stores: stores))
            }
        } catch let error as ResolutionError {
            throw error.exitCode
        }
        // The child's environment starts as this process's, byte for byte (a value that is not
        // UTF-8 stays as it is).
        var childEnvironment = RawEnvironment.current()
        // A variable resolution rewrote (it held references) is replaced by every key read from
        // it, each under its own name: a variable of another name (`CUSTOMCONNSTR_Db` for
        // `ConnectionStrings:Db` and `ConnectionStrings:Db_ProviderName`) is removed, so the child
        // cannot read the unresolved text through it. A variable resolution left as it was
        // reaches the child as it is, under its own name: variables that differ only in case
        // (`http_proxy` and `HTTP_PROXY`), one key here, stay two variables there.
        var rewritten: Set<String> = []
        for value in resolved.values where value.isRendered {
            if case .environment(let source) = value.origin.source { rewritten.insert(source) }
        }
        var settings: [(name: String, text: String)] = []
        for value in resolved.values {
            if case .environment(let source) = value.origin.source, !rewritten.contains(source) { continue }
            // From the environment, each variable is its own key: it goes back under its own name.
            let name: String
            if fromEnvironment, case .environment(let source) = value.origin.source { name = source } else { name = EnvironmentName.variable(for: value.key) }
            if let reason = EnvironmentName.unusableReason(name, in: .process) {
                throw fail(
                    [
                        Diagnostic(
                            at: value.origin.location, "'\(value.key)' becomes the variable name '\(name)', which an environment cannot carry (\(reason))", rule: "variable-name",
                            keyPath: value.key.spelling)
                    ], status: ExitStatus.badInput)
            }
            let text = value.unsafeRevealedValue ?? ""
            // The child would read the value only up to a NUL: another value, silently.
            if text.utf8.contains(0) {
                throw fail(
                    [
                        Diagnostic(
                            at: value.origin.location, "'\(value.key)' holds a NUL, which an environment variable cannot carry (the value is not shown)",
                            rule: "variable-value", keyPath: value.key.spelling)
                    ], status: ExitStatus.badInput)
            }
            settings.append((name, text))
        }
        // Removals first, so that a variable another key sets (`DOTNET_X`, read both as itself
        // and as `X`) is set, not removed, whatever the order of the keys.
        for source in rewritten.sorted() { childEnvironment.remove(source) }
        for (name, text) in settings { childEnvironment.set(name, text) }
        // The local store's key is qsl-config's own credential, not the service's configuration.
        childEnvironment.remove(LocalSecretStore.keyVariable)
        let failure = ProcessReplacement.exec(command, environment: childEnvironment)
        printError("qsl-config exec: cannot run \(command[0]): \(failure.message)")
        throw ExitCode(failure.notFound ? 127 : 126)
    }
}

/// `execve(2)` after a `PATH` search, like `execvpe(3)`: replaces the current process image;
/// returns only on failure.
enum ProcessReplacement {
    /// The executable `name` names: itself when it holds a `/`, else the first match on `PATH`.
    static func locate(_ name: String, path: String?) -> String? {
        if name.contains("/") { return name }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    struct Failure {
        var message: String
        var notFound: Bool
    }

    static func exec(_ command: [String], environment: RawEnvironment) -> Failure {
        guard let executable = locate(command[0], path: environment.value(of: "PATH")) else {
            return Failure(message: "not found on PATH", notFound: true)
        }
        let arguments = command.map { strdup($0) } + [nil]
        let variables = environment.entries.map { entry -> UnsafeMutablePointer<CChar>? in
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: entry.count + 1)
            entry.withUnsafeBufferPointer { bytes in
                for (index, byte) in bytes.enumerated() { pointer[index] = CChar(bitPattern: byte) }
            }
            pointer[entry.count] = 0
            return pointer
        } + [nil]
        // The new program keeps this thread's signal mask, and this runs on a thread of the
        // concurrency pool, which blocks most signals: unblocked, SIGTERM and SIGINT reach the
        // command (`docker stop`, an ECS task stopping) as they would without qsl-config.
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        execve(executable, arguments, variables)
        let code = errno
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        // Only reached when exec failed: the environment strings hold secrets, so wipe them.
        for (pointer, entry) in zip(variables, environment.entries) {
            guard let pointer else { continue }
            memset(pointer, 0, entry.count)
            pointer.deallocate()
        }
        for pointer in arguments.compactMap({ $0 }) { free(pointer) }
        return Failure(message: String(cString: strerror(code)), notFound: code == ENOENT)
    }
}

/// A process environment as the bytes `environ` holds, `NAME=VALUE` each, in its order: what
/// `exec` hands its command, so variables it does not change pass through unaltered.
struct RawEnvironment {
    private(set) var entries: [[UInt8]]

    /// This process's environment.
    static func current() -> RawEnvironment {
        var entries: [[UInt8]] = []
        var cursor: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let current = cursor, let entry = current.pointee {
            entries.append(Array(UnsafeBufferPointer(start: UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self), count: strlen(entry))))
            cursor = current.successor()
        }
        return RawEnvironment(entries: entries)
    }

    private static func name(of entry: [UInt8]) -> ArraySlice<UInt8> {
        entry[..<(entry.firstIndex(of: UInt8(ascii: "=")) ?? entry.endIndex)]
    }

    /// The value of the first variable named exactly `name`, when it is UTF-8.
    func value(of name: String) -> String? {
        let wanted = Array(name.utf8)
        // An entry without `=` (which `environ` may hold) has no value.
        guard let entry = entries.first(where: { Self.name(of: $0).elementsEqual(wanted) }), entry.count > wanted.count else { return nil }
        return String(validating: entry.dropFirst(wanted.count + 1), as: UTF8.self)
    }

    /// Removes every variable named exactly `name` (names are compared byte for byte, as the
    /// child will).
    mutating func remove(_ name: String) {
        let wanted = Array(name.utf8)
        entries.removeAll { Self.name(of: $0).elementsEqual(wanted) }
    }

    /// Sets `name` to `value`, replacing every variable of that exact name.
    mutating func set(_ name: String, _ value: String) {
        remove(name)
        entries.append(Array(name.utf8) + [UInt8(ascii: "=")] + Array(value.utf8))
    }
}
