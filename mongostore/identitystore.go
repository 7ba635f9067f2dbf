package mongostore

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/agencyhall/agencyhall/auth"
)

// collIdentityLinks holds the links of unified identity platform
// (统一身份认证) identities to users, one document per identity, keyed by
// auth.IdentityLinkID(issuer, subject): a login reads it by _id alone.
const collIdentityLinks = "identity_links"

type identityLinkDoc struct {
	ID          string    `bson:"_id"`
	Issuer      string    `bson:"issuer"`
	Subject     string    `bson:"subject"`
	UserID      string    `bson:"user_id"`
	Name        string    `bson:"name,omitempty"`
	CreatedAt   time.Time `bson:"created_at"`
	LastLoginAt time.Time `bson:"last_login_at"`
	DocVersion  `bson:",inline"`
}

func identityLinkToDoc(l auth.IdentityLink) identityLinkDoc {
	return identityLinkDoc{ID: l.ID, Issuer: l.Issuer, Subject: l.Subject, UserID: l.UserID, Name: l.Name,
		CreatedAt: l.CreatedAt, LastLoginAt: l.LastLoginAt}
}

func (d identityLinkDoc) toLink() auth.IdentityLink {
	return auth.IdentityLink{ID: d.ID, Issuer: d.Issuer, Subject: d.Subject, UserID: d.UserID, Name: d.Name,
		CreatedAt: d.CreatedAt, LastLoginAt: d.LastLoginAt}
}

const identityWhat = "统一身份认证关联"

func (a *AuthStore) CreateIdentityLink(ctx context.Context, l auth.IdentityLink) error {
	d := identityLinkToDoc(l)
	d.Version = 1
	return insertDoc(ctx, a.s, collIdentityLinks, identityWhat, d)
}

func (a *AuthStore) GetIdentityLink(ctx context.Context, id string) (auth.IdentityLink, error) {
	d, err := getDoc[identityLinkDoc](ctx, a.s, collIdentityLinks, id, identityWhat)
	return d.toLink(), err
}

func (a *AuthStore) UpdateIdentityLink(ctx context.Context, id string, fn func(*auth.IdentityLink) error) (auth.IdentityLink, error) {
	d, err := updateDoc(ctx, a.s, collIdentityLinks, id, identityWhat, func(d *identityLinkDoc) error {
		l := d.toLink()
		if err := fn(&l); err != nil {
			return err
		}
		old := *d
		*d = identityLinkToDoc(l)
		// The identity and its user are the link itself: fn may not move them.
		d.ID, d.Issuer, d.Subject, d.UserID, d.Version = id, old.Issuer, old.Subject, old.UserID, old.Version
		return nil
	})
	return d.toLink(), err
}

func (a *AuthStore) DeleteIdentityLink(ctx context.Context, id string) error {
	_, err := a.s.coll(collIdentityLinks).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err == nil {
		a.s.wrote(collIdentityLinks)
	}
	return translate(err, identityWhat)
}

func (a *AuthStore) ListIdentityLinks(ctx context.Context, userID string) ([]auth.IdentityLink, error) {
	page, err := findPage(ctx, a.s, collIdentityLinks, identityWhat, bson.D{{Key: "user_id", Value: userID}},
		bson.D{{Key: "created_at", Value: 1}}, 1, 100, func(identityLinkDoc) bool { return true })
	var out []auth.IdentityLink
	for _, d := range page.items {
		out = append(out, d.toLink())
	}
	return out, err
}
