package hall

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Sealer encrypts quotes at rest with AES-256-GCM. The project and agency
// are bound in as additional data, so a sealed amount cannot be moved to
// another project or agency.
type Sealer struct{ aead cipher.AEAD }

// NewSealer builds a sealer from a 32-byte key.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, errors.New("quote key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

func sealAAD(projectID, agencyID string) []byte { return []byte(projectID + "\x00" + agencyID) }

// Seal encrypts an amount in fen; the result is nonce ‖ ciphertext.
func (s *Sealer) Seal(projectID, agencyID string, amount int64) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, []byte(strconv.FormatInt(amount, 10)), sealAAD(projectID, agencyID))
}

// Open decrypts a sealed amount.
func (s *Sealer) Open(projectID, agencyID string, sealed []byte) (int64, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return 0, errors.New("sealed quote too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], sealAAD(projectID, agencyID))
	if err != nil {
		return 0, fmt.Errorf("open sealed quote of %s for %s: %w", agencyID, projectID, err)
	}
	return strconv.ParseInt(string(plain), 10, 64)
}

// Receipt is the SHA-256, in hex, over the project, the agency, the amount
// in fen, a random nonce and the submission time (RFC 3339 with
// nanoseconds, UTC), joined with "|". The agency keeps it; the opening
// record publishes every receipt with its amount and nonce, so each agency
// can check that its own quote was opened as submitted.
func Receipt(projectID, agencyID string, amount int64, nonce string, at time.Time) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{projectID, agencyID, strconv.FormatInt(amount, 10), nonce,
		at.UTC().Format(time.RFC3339Nano)}, "|")))
	return hex.EncodeToString(sum[:])
}

// NewNonce makes a receipt nonce.
func NewNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// LoadQuoteKey reads the 32-byte quote key (64 hex characters) from path,
// creating it with permissions 0600 on first start.
func LoadQuoteKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create quote key file: %w", err)
		}
		_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("write quote key file: %w", werr)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read quote key file: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("quote key file %s must hold 64 hex characters", path)
	}
	return key, nil
}
