import QSLConfig
import QSLConfigCore

/// The service's signing keys during a rotation: sign with the current one, accept the previous
/// one until its tokens expire.
actor JWTKeys {
    let configuration: RefreshingConfiguration

    init(configuration: RefreshingConfiguration) {
        self.configuration = configuration
    }

    /// The key new tokens are signed with.
    func signingKey() -> SecretValue? {
        configuration.current.secret("Security:JWT:Secret")
    }

    /// Whether `token` verifies with the current key, else the previous one; after a failure with
    /// both, once more after a forced refresh (the key may have rotated since the last one).
    func accepts(_ token: String, verify: (String, SecretValue) -> Bool) async -> Bool {
        if await acceptsWithLoadedKeys(token, verify: verify) { return true }
        guard (try? await configuration.refreshAfterAuthenticationFailure()) == true else { return false }
        return await acceptsWithLoadedKeys(token, verify: verify)
    }

    private func acceptsWithLoadedKeys(_ token: String, verify: (String, SecretValue) -> Bool) async -> Bool {
        if let current = configuration.current.secret("Security:JWT:Secret"), verify(token, current) { return true }
        // The same references at AWSPREVIOUS: the key that signed tokens before the rotation.
        guard let previous = try? await configuration.previous().secret("Security:JWT:Secret") else { return false }
        return verify(token, previous)
    }
}
