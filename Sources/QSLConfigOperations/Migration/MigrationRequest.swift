import QSLConfig
import QSLConfigCore

/// What ``MigrationOperation`` migrates: the plaintext credentials an environment's files hold,
/// into another environment's store, the files rewritten to reference it.
///
/// ```swift
/// var request = MigrationRequest(root: ".", from: "smoke", to: "production") { definition in
///     try root.store(for: definition, variables: environment)
/// }
/// request.dryRun = true
/// let report = try await MigrationOperation().run(request)
/// ```
public struct MigrationRequest: Sendable {
    /// The platform root: `environments/` and the folders its catalogue names.
    public var root: String
    /// The environment whose files hold the plaintext credentials (`smoke`).
    public var from: String
    /// The environment whose store receives them and whose naming rules name them (`production`).
    public var to: String
    /// The services to migrate; all of the catalogue when empty. Shared files are migrated for
    /// what these services read.
    public var services: [String]
    /// Plan and print, write nothing.
    public var dryRun: Bool
    /// Put a new version where a secret exists with another value, instead of stopping.
    public var updateExisting: Bool
    /// Keys whose values were only found for their entropy, to migrate anyway (`Section:Key`).
    public var include: [String]
    /// After the rewrite, resolve every migrated service in the target environment and compare.
    public var endCheck: Bool
    /// The target environment's store.
    public var makeStore: @Sendable (EnvironmentDefinition) throws(StoreError) -> any SecretStore
    /// Told each step as it happens (a line per service and secret on a terminal).
    public var progress: (@Sendable (String) -> Void)?
    /// Called after each durable step: a secret written, the journal saved, a file written. A
    /// crash between any two of them is one the next run resumes from; the kill tests stop the
    /// process here, step by step.
    public var afterStep: (@Sendable (String) -> Void)?

    public init(
        root: String, from: String, to: String, services: [String] = [],
        makeStore: @escaping @Sendable (EnvironmentDefinition) throws(StoreError) -> any SecretStore
    ) {
        self.root = root
        self.from = from
        self.to = to
        self.services = services
        self.dryRun = false
        self.updateExisting = false
        self.include = []
        self.endCheck = true
        self.makeStore = makeStore
        self.progress = nil
        self.afterStep = nil
    }
}

/// Why a migration could not run: unusable input (exit 2) or a store that failed (exit 3).
/// Findings that stop it (conflicts, unmigratable values) are in the report instead.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var isStoreFailure: Bool

    public init(_ diagnostics: [Diagnostic], isStoreFailure: Bool = false) {
        self.diagnostics = diagnostics
        self.isStoreFailure = isStoreFailure
    }

    init(store error: StoreError, _ doing: String) {
        self.init([Diagnostic(at: nil, "\(doing): \(error.message)", rule: "store")], isStoreFailure: error.isStoreFailure)
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
