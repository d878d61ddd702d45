import CLibCrypto

/// AES-256-GCM authenticated encryption through libcrypto's EVP interface.
///
/// libcrypto is loaded at the first seal or open; when it cannot be, both throw a ``CryptoError``
/// naming the library and the Debian package to install.
///
/// The sealed form is `nonce (12 bytes) || ciphertext || tag (16 bytes)`. A fresh random nonce is
/// drawn for every seal; `associatedData` is authenticated but not encrypted.
public enum AESGCM {
    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    /// Encrypts `plaintext` under a 32-byte `key`.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard key.count == keyLength else { throw CryptoError("an AES-256-GCM key must be 32 bytes, got \(key.count)") }
        let nonce = try Crypto.randomBytes(nonceLength)  // loads libcrypto, or throws why it cannot
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError("could not allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count + 16)
        var tag = [UInt8](repeating: 0, count: tagLength)
        var length: Int32 = 0
        var total: Int32 = 0
        guard EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceLength), nil) == 1,
            EVP_EncryptInit_ex(ctx, nil, nil, key, nonce) == 1
        else { throw CryptoError("could not initialise AES-256-GCM") }
        if !associatedData.isEmpty {
            guard EVP_EncryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptoError("could not authenticate associated data")
            }
        }
        let ok = ciphertext.withUnsafeMutableBufferPointer { out -> Bool in
            if !plaintext.isEmpty {
                guard EVP_EncryptUpdate(ctx, out.baseAddress, &length, plaintext, Int32(plaintext.count)) == 1 else { return false }
                total = length
            }
            guard EVP_EncryptFinal_ex(ctx, out.baseAddress! + Int(total), &length) == 1 else { return false }
            total += length
            return true
        }
        guard ok, EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), &tag) == 1 else {
            throw CryptoError("AES-256-GCM encryption failed")
        }
        return nonce + ciphertext[0..<Int(total)] + tag
    }

    /// Decrypts and authenticates a value produced by ``seal(_:key:associatedData:)``.
    ///
    /// - Throws: ``CryptoError`` when the key is wrong or the data was altered.
    public static func open(_ sealed: [UInt8], key: [UInt8], associatedData: [UInt8] = []) throws(CryptoError) -> [UInt8] {
        guard key.count == keyLength else { throw CryptoError("an AES-256-GCM key must be 32 bytes, got \(key.count)") }
        guard sealed.count >= nonceLength + tagLength else { throw CryptoError("the sealed data is too short to be AES-256-GCM") }
        try Crypto.loadLibrary()
        let nonce = Array(sealed[0..<nonceLength])
        let body = Array(sealed[nonceLength..<(sealed.count - tagLength)])
        var tag = Array(sealed[(sealed.count - tagLength)...])
        guard let ctx = EVP_CIPHER_CTX_new() else { throw CryptoError("could not allocate a cipher context") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        var plaintext = [UInt8](repeating: 0, count: body.count + 16)
        var length: Int32 = 0
        var total: Int32 = 0
        guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(nonceLength), nil) == 1,
            EVP_DecryptInit_ex(ctx, nil, nil, key, nonce) == 1
        else { throw CryptoError("could not initialise AES-256-GCM") }
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(ctx, nil, &length, associatedData, Int32(associatedData.count)) == 1 else {
                throw CryptoError("could not authenticate associated data")
            }
        }
        let ok = plaintext.withUnsafeMutableBufferPointer { out -> Bool in
            if !body.isEmpty {
                guard EVP_DecryptUpdate(ctx, out.baseAddress, &length, body, Int32(body.count)) == 1 else { return false }
                total = length
            }
            guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &tag) == 1 else { return false }
            guard EVP_DecryptFinal_ex(ctx, out.baseAddress! + Int(total), &length) == 1 else { return false }
            total += length
            return true
        }
        guard ok else { throw CryptoError("the data could not be decrypted: wrong key, or the file was altered") }
        return Array(plaintext[0..<Int(total)])
    }
}
