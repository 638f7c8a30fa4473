// SHA-256 block compression on the x86 SHA extensions (SHA-NI).
//
// This target alone is compiled with the SHA, SSSE3 and SSE4.1 instruction sets enabled
// (Package.swift), so nothing else in Gavel can pick up those instructions by accident. Its code
// runs only after `isAvailable` has checked the CPU, so the same binary runs on CPUs without
// them: GavelCore's portable SHA-256 is then used. The intrinsics are the compiler's own
// (`_Builtin_intrinsics`), not a C library; the values they take are Swift SIMD vectors.

#if arch(x86_64) && GAVEL_SHA_EXTENSIONS
    import _Builtin_intrinsics.intel
    import _Builtin_intrinsics.intel.cpuid

    public enum SHA256Extensions {
        /// True when the CPU has the SHA extensions and SSSE3/SSE4.1 (CPUID leaf 7 EBX bit 29,
        /// leaf 1 ECX bits 9 and 19).
        public static let isAvailable: Bool = {
            var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
            guard __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 else { return false }
            let sha = (b >> 29) & 1 == 1
            guard __get_cpuid(1, &a, &b, &c, &d) != 0 else { return false }
            return sha && (c >> 9) & 1 == 1 && (c >> 19) & 1 == 1
        }()

        /// Hashes `blocks` consecutive 64-byte blocks at `data` into `state` (the eight working
        /// words a...h). Call only when `isAvailable`.
        public static func compress(state: UnsafeMutablePointer<UInt32>, data: UnsafeRawPointer, blocks: Int) {
            // The instructions keep the state as ABEF and CDGH, lane 0 holding the last letter.
            var abef = SIMD4<UInt32>(state[5], state[4], state[1], state[0])
            var cdgh = SIMD4<UInt32>(state[7], state[6], state[3], state[2])
            let k = roundConstants
            for n in 0..<blocks {
                let block = data + n * 64
                let (savedABEF, savedCDGH) = (abef, cdgh)
                var w0 = load(block), w1 = load(block + 16), w2 = load(block + 32), w3 = load(block + 48)
                rounds(&abef, &cdgh, w0 &+ k.0)
                rounds(&abef, &cdgh, w1 &+ k.1)
                rounds(&abef, &cdgh, w2 &+ k.2)
                rounds(&abef, &cdgh, w3 &+ k.3)
                // Words 16...63, four at a time: W[i] = s1(W[i-2]) + W[i-7] + s0(W[i-15]) + W[i-16].
                withUnsafeBytes(of: k) { raw in
                    let ks = raw.bindMemory(to: SIMD4<UInt32>.self)
                    for g in 4..<16 {
                        let t = vector(_mm_sha256msg1_epu32(m128(w0), m128(w1))) &+ SIMD4(w2[1], w2[2], w2[3], w3[0])
                        let next = vector(_mm_sha256msg2_epu32(m128(t), m128(w3)))
                        rounds(&abef, &cdgh, next &+ ks[g])
                        (w0, w1, w2, w3) = (w1, w2, w3, next)
                    }
                }
                abef &+= savedABEF
                cdgh &+= savedCDGH
            }
            state[0] = abef[3]; state[1] = abef[2]; state[2] = cdgh[3]; state[3] = cdgh[2]
            state[4] = abef[1]; state[5] = abef[0]; state[6] = cdgh[1]; state[7] = cdgh[0]
        }

        /// Four rounds: two instructions of two rounds, each taking two of the words plus constants.
        @inline(__always)
        private static func rounds(_ abef: inout SIMD4<UInt32>, _ cdgh: inout SIMD4<UInt32>, _ wk: SIMD4<UInt32>) {
            cdgh = vector(_mm_sha256rnds2_epu32(m128(cdgh), m128(abef), m128(wk)))
            abef = vector(_mm_sha256rnds2_epu32(m128(abef), m128(cdgh), m128(SIMD4(wk[2], wk[3], wk[2], wk[3]))))
        }

        /// Four big-endian message words.
        @inline(__always)
        private static func load(_ p: UnsafeRawPointer) -> SIMD4<UInt32> {
            let swap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203)
            return vector(_mm_shuffle_epi8(m128(p.loadUnaligned(as: SIMD4<UInt32>.self)), swap))
        }

        @inline(__always) private static func m128(_ v: SIMD4<UInt32>) -> __m128i { unsafeBitCast(v, to: __m128i.self) }
        @inline(__always) private static func vector(_ v: __m128i) -> SIMD4<UInt32> { unsafeBitCast(v, to: SIMD4<UInt32>.self) }

        private typealias K4 = SIMD4<UInt32>
        private static let roundConstants: (K4, K4, K4, K4, K4, K4, K4, K4, K4, K4, K4, K4, K4, K4, K4, K4) = (
            K4(0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5), K4(0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5),
            K4(0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3), K4(0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174),
            K4(0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc), K4(0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da),
            K4(0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7), K4(0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967),
            K4(0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13), K4(0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85),
            K4(0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3), K4(0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070),
            K4(0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5), K4(0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3),
            K4(0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208), K4(0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2)
        )
    }
#else
    public enum SHA256Extensions {
        public static let isAvailable = false
        public static func compress(state: UnsafeMutablePointer<UInt32>, data: UnsafeRawPointer, blocks: Int) {
            preconditionFailure("SHA extensions are not built for this architecture")
        }
    }
#endif
