import ArgumentParser
@testable import qsl_config

/// The CLI's commands as its configuration declares them, so that a test can insist on covering
/// every one: a subcommand added to `QSLConfigCommand.configuration.subcommands` (or to a group's)
/// shows up here without anyone editing a list.
enum CommandTree {
    /// Every runnable command as the words that invoke it (`["secret", "put"]`), depth first in
    /// declaration order. A group (a command with subcommands, like `secret`) is not itself
    /// listed; its subcommands are.
    static var leaves: [[String]] { leaves(of: QSLConfigCommand.self, path: []) }

    static func leaves(of command: any ParsableCommand.Type, path: [String]) -> [[String]] {
        let subcommands = command.configuration.subcommands
        guard !subcommands.isEmpty else { return [path] }
        return subcommands.flatMap { leaves(of: $0, path: path + [$0._commandName]) }
    }
}
