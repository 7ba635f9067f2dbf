package notify

import "strings"

// A subscriber — the receiving system — lists its own deliveries and asks
// for replays with an access token limited to its subscription. The token
// lives with the platform's other bearer tokens (auth: stored only as its
// SHA-256, never logged nor audited), under a holder name that ties it to
// one subscription; the API checks that holder against the subscription
// in the path.

// holderPrefix starts the holder name of a subscription's access token.
const holderPrefix = "webhook:"

// SubscriberHolder is the holder of subscription id's access token, and
// the actor its calls are audited as. It is lower case like login names,
// so the audit log's actor filter (which lower-cases) finds it.
func SubscriberHolder(id string) string { return holderPrefix + strings.ToLower(id) }

// HolderOf reports whether an access token's holder stands for
// subscription id.
func HolderOf(holder, id string) bool {
	return id != "" && holder == SubscriberHolder(id)
}

// IsSubscriberHolder reports whether a holder is a subscription's.
func IsSubscriberHolder(holder string) bool {
	return strings.HasPrefix(holder, holderPrefix) && len(holder) > len(holderPrefix)
}

// AccessTokenName is how a subscription's access token is described where
// tokens are listed.
func AccessTokenName(id string) string { return "Webhook 订阅 " + id + " 的访问令牌" }
