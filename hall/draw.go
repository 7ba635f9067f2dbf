// Package hall is the selection hall: projects, sign-ups, sealed quotes,
// the five selection methods with verifiable draws, and what follows a
// selection up to the owner's evaluation.
package hall

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// DrawSecret is the platform's secret for one project, committed to at
// publication by its SHA-256 and revealed with the result.
type DrawSecret [32]byte

// NewDrawSecret makes a fresh secret.
func NewDrawSecret() DrawSecret {
	var s DrawSecret
	_, _ = rand.Read(s[:])
	return s
}

// Commitment is the published SHA-256 of the secret, in hex.
func (s DrawSecret) Commitment() string {
	sum := sha256.Sum256(s[:])
	return hex.EncodeToString(sum[:])
}

// Hex is the secret in hex, as revealed.
func (s DrawSecret) Hex() string { return hex.EncodeToString(s[:]) }

// ParseDrawSecret reads a revealed secret.
func ParseDrawSecret(h string) (DrawSecret, error) {
	var s DrawSecret
	b, err := hex.DecodeString(strings.TrimSpace(h))
	if err != nil || len(b) != 32 {
		return s, errors.New("抽取密钥应为 64 位十六进制字符")
	}
	copy(s[:], b)
	return s, nil
}

// CandidateDigest is SHA-256 over the candidates sorted by byte order and
// joined with "\n". Sorting makes the digest independent of sign-up order.
func CandidateDigest(candidates []string) [32]byte {
	sorted := slices.Clone(candidates)
	slices.Sort(sorted)
	return sha256.Sum256([]byte(strings.Join(sorted, "\n")))
}

// DrawSeed is SHA-256(secret ‖ project id ‖ candidate digest ‖ witness):
// the 32 secret bytes, the project id in UTF-8, the 32 digest bytes and the
// witness input in UTF-8 (empty when there is none).
func DrawSeed(secret DrawSecret, projectID string, candidates []string, witness string) [32]byte {
	digest := CandidateDigest(candidates)
	h := sha256.New()
	h.Write(secret[:])
	h.Write([]byte(projectID))
	h.Write(digest[:])
	h.Write([]byte(witness))
	var seed [32]byte
	copy(seed[:], h.Sum(nil))
	return seed
}

// pick returns an index in [0, n) from the seed starting at counter, and
// the counter after the last block used. Each block is
// HMAC-SHA256(seed, counter as 8 bytes big-endian); its first 8 bytes as a
// big-endian uint64 x are accepted when x < ⌊(2^64−1) / n⌋ · n — a
// multiple of n, so every residue is equally likely (rejection sampling, no
// modulo bias) — giving x mod n; otherwise the next counter is tried.
func pick(seed [32]byte, n int, counter uint64) (int, uint64) {
	if n <= 0 {
		panic("hall: draw among no candidates")
	}
	limit := (^uint64(0) / uint64(n)) * uint64(n)
	for {
		mac := hmac.New(sha256.New, seed[:])
		var c [8]byte
		binary.BigEndian.PutUint64(c[:], counter)
		mac.Write(c[:])
		x := binary.BigEndian.Uint64(mac.Sum(nil)[:8])
		counter++
		if x < limit {
			return int(x % uint64(n)), counter
		}
	}
}

// Draw is a verifiable draw: everything needed to recompute its outcome.
type Draw struct {
	Purpose    string   // what was drawn: winner, tie-break, coefficient, inspection …
	ProjectID  string   // the project (or the inspection batch)
	Candidates []string // in sorted order
	Witness    string
	Seed       string // hex
	Picks      []int  // indexes into Candidates, in the order drawn
	Winners    []string
}

// RunDraw draws k distinct candidates (k = 1 for a single winner) by
// successive picks over the remaining sorted candidates, the counter
// running on from pick to pick.
func RunDraw(secret DrawSecret, purpose, projectID string, candidates []string, witness string, k int) (Draw, error) {
	if len(candidates) == 0 {
		return Draw{}, errors.New("没有可供抽取的候选")
	}
	if k < 1 || k > len(candidates) {
		return Draw{}, fmt.Errorf("抽取数量 %d 超出候选数 %d", k, len(candidates))
	}
	sorted := slices.Clone(candidates)
	slices.Sort(sorted)
	if len(slices.Compact(slices.Clone(sorted))) != len(sorted) {
		return Draw{}, errors.New("候选名单有重复")
	}
	seed := DrawSeed(secret, projectID, sorted, witness)
	d := Draw{Purpose: purpose, ProjectID: projectID, Candidates: sorted, Witness: witness, Seed: hex.EncodeToString(seed[:])}
	remaining := slices.Clone(sorted)
	var counter uint64
	for len(d.Winners) < k {
		var i int
		i, counter = pick(seed, len(remaining), counter)
		d.Winners = append(d.Winners, remaining[i])
		d.Picks = append(d.Picks, slices.Index(sorted, remaining[i]))
		remaining = slices.Delete(remaining, i, i+1)
	}
	return d, nil
}

// VerifyDraw recomputes a published draw from the revealed secret and
// reports whether the published winners are right.
func VerifyDraw(secretHex, commitment string, d Draw) (bool, string) {
	secret, err := ParseDrawSecret(secretHex)
	if err != nil {
		return false, err.Error()
	}
	if commitment != "" && secret.Commitment() != strings.ToLower(strings.TrimSpace(commitment)) {
		return false, "密钥与发布时公布的承诺值不符"
	}
	again, err := RunDraw(secret, d.Purpose, d.ProjectID, d.Candidates, d.Witness, len(d.Winners))
	if err != nil {
		return false, err.Error()
	}
	if !slices.Equal(again.Winners, d.Winners) {
		return false, fmt.Sprintf("按公开算法重算的结果为 %s，与公布结果 %s 不一致", strings.Join(again.Winners, "、"), strings.Join(d.Winners, "、"))
	}
	return true, "重算结果与公布结果一致"
}

// RunWeightedDraw draws k distinct candidates with chances proportional to
// their weights (inspection sampling: grade D ×4, C ×2, A and B ×1). Each
// candidate holds weight tickets named "<id>#<n>" (n = 1…weight); the draw
// of docs/DRAW.md runs over the sorted tickets, and a drawn candidate's
// other tickets leave the pool before the next pick.
func RunWeightedDraw(secret DrawSecret, purpose, batchID string, weights map[string]int, witness string, k int) (Draw, error) {
	var tickets []string
	for id, w := range weights {
		for n := 1; n <= w; n++ {
			tickets = append(tickets, fmt.Sprintf("%s#%d", id, n))
		}
	}
	if k < 1 || k > len(weights) {
		return Draw{}, fmt.Errorf("抽取数量 %d 超出候选数 %d", k, len(weights))
	}
	slices.Sort(tickets)
	seed := DrawSeed(secret, batchID, tickets, witness)
	d := Draw{Purpose: purpose, ProjectID: batchID, Candidates: tickets, Witness: witness, Seed: hex.EncodeToString(seed[:])}
	remaining := slices.Clone(tickets)
	var counter uint64
	for len(d.Winners) < k {
		var i int
		i, counter = pick(seed, len(remaining), counter)
		owner := ticketOwner(remaining[i])
		d.Winners = append(d.Winners, owner)
		d.Picks = append(d.Picks, slices.Index(tickets, remaining[i]))
		remaining = slices.DeleteFunc(remaining, func(t string) bool { return ticketOwner(t) == owner })
	}
	return d, nil
}

func ticketOwner(t string) string {
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		return t[:i]
	}
	return t
}

// VerifyWeightedDraw recomputes a weighted draw from its published tickets.
func VerifyWeightedDraw(secretHex, commitment string, d Draw) (bool, string) {
	secret, err := ParseDrawSecret(secretHex)
	if err != nil {
		return false, err.Error()
	}
	if commitment != "" && secret.Commitment() != strings.ToLower(strings.TrimSpace(commitment)) {
		return false, "密钥与公布的承诺值不符"
	}
	weights := map[string]int{}
	for _, t := range d.Candidates {
		weights[ticketOwner(t)]++
	}
	again, err := RunWeightedDraw(secret, d.Purpose, d.ProjectID, weights, d.Witness, len(d.Winners))
	if err != nil {
		return false, err.Error()
	}
	if !slices.Equal(again.Winners, d.Winners) {
		return false, "按公开算法重算的结果与公布结果不一致"
	}
	return true, "重算结果与公布结果一致"
}
