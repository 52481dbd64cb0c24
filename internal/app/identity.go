package app

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/config"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// signingKeys loads the signing key, publishes its public half, and builds the key set with
// the keys retired recently enough that tokens they signed may still be in use.
func signingKeys(ctx context.Context, cfg config.Config, st *store.Store) (*auth.KeySet, error) {
	var key auth.SigningKey
	var err error
	if cfg.SigningKey != "" {
		key, err = auth.ParsePrivateKeyPEM([]byte(cfg.SigningKey))
	} else {
		key, err = auth.LoadOrCreateKeyFile(cfg.SigningKeyFile)
	}
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if err := st.PublishSigningKey(ctx, key.ID(), key.Public()); err != nil {
		return nil, err
	}
	retain := cfg.AccessTokenTTL + auth.Leeway
	published, err := st.PublishedKeys(ctx, time.Now().Add(-retain))
	if err != nil {
		return nil, err
	}
	var retired []auth.RetiredKey
	for _, k := range published {
		if k.Kid != key.ID() && !k.RetiredAt.IsZero() {
			retired = append(retired, auth.RetiredKey{ID: k.Kid, Public: ed25519.PublicKey(k.PublicKey), NotAfter: k.RetiredAt.Add(retain)})
		}
	}
	return auth.NewKeySet(key, retain, retired...)
}

// keyStore loads the key of every purpose: the access-token key set (signingKeys), the
// check-in key and the credential key, each from its PEM value or its file (created when
// missing), and publishes the public halves of the last two as their purpose's current key.
func keyStore(ctx context.Context, cfg config.Config, st *store.Store, api *auth.KeySet) (*auth.KeyStore, error) {
	checkInFile, badgeFile := cfg.CheckInKeyPath(), cfg.BadgeKeyPath()
	var checkIn auth.SigningKey
	var err error
	if cfg.CheckInKey != "" {
		checkIn, err = auth.ParsePrivateKeyPEM([]byte(cfg.CheckInKey))
	} else {
		checkIn, err = auth.LoadOrCreateKeyFile(checkInFile)
	}
	if err != nil {
		return nil, fmt.Errorf("check-in key: %w", err)
	}
	var badges auth.RSAKey
	if cfg.BadgeKey != "" {
		badges, err = auth.ParseRSAPrivateKeyPEM([]byte(cfg.BadgeKey))
	} else {
		badges, err = auth.LoadOrCreateRSAKeyFile(badgeFile)
	}
	if err != nil {
		return nil, fmt.Errorf("credential key: %w", err)
	}
	keys, err := auth.NewKeyStore(api, checkIn, badges)
	if err != nil {
		return nil, err
	}
	for _, p := range []auth.Purpose{auth.PurposeCheckIn, auth.PurposeBadges} {
		kid, pub, err := keys.PublicKeyBytes(p)
		if err != nil {
			return nil, err
		}
		if err := st.PublishKey(ctx, recert.PublishedKey{Kid: kid, Purpose: string(p), Algorithm: p.Algorithm(), PublicKey: pub}); err != nil {
			return nil, fmt.Errorf("%s key: %w", p, err)
		}
	}
	return keys, nil
}

// bootstrapAdmin creates the first administrator when there is none: from
// RECERT_ADMIN_EMAIL and RECERT_ADMIN_PASSWORD, or with a generated password that is
// logged once, so that a fresh installation can be signed in to.
func bootstrapAdmin(ctx context.Context, cfg config.Config, st *store.Store, params auth.Argon2Params, log *slog.Logger) error {
	if has, err := st.HasAdmin(ctx); err != nil || has {
		if has {
			ignoredAdminVars(cfg, log)
		}
		return err
	}
	email, password := cfg.AdminEmail, cfg.AdminPassword
	if email == "" {
		email = config.DefaultAdminEmail
	}
	generated := password == ""
	if generated {
		password = rand.Text()
	} else if err := auth.CheckPassword(password, email); err != nil {
		return fmt.Errorf("RECERT_ADMIN_PASSWORD: %w", err)
	}
	hash, err := auth.HashPassword(password, params)
	if err != nil {
		return err
	}
	// Instances starting together take turns, and only the first creates the administrator.
	var u recert.User
	created := false
	err = st.Locked(ctx, "first administrator", func(ctx context.Context) error {
		if has, err := st.HasAdmin(ctx); err != nil || has {
			return err
		}
		u, err = st.CreateUser(ctx, recert.User{Email: email, Name: "Administrator", Role: recert.RoleAdmin}, hash, "bootstrap")
		created = err == nil
		return err
	})
	if err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}
	if !created {
		ignoredAdminVars(cfg, log)
		return nil
	}
	if generated {
		log.Warn("FIRST ADMINISTRATOR CREATED: sign in with this email and password, then change the password; it is not shown again",
			"user_id", u.ID, "email", email, "password", password)
	} else {
		log.Info("first administrator created", "user_id", u.ID, "email", email)
	}
	return nil
}

// ignoredAdminVars says, in one line, that the administrator variables set for this start
// changed nothing because an administrator exists: otherwise a reader who set a password
// would sign in with it and get invalid_grant without knowing why.
func ignoredAdminVars(cfg config.Config, log *slog.Logger) {
	var set []string
	if cfg.AdminEmail != "" {
		set = append(set, "RECERT_ADMIN_EMAIL")
	}
	if cfg.AdminPassword != "" {
		set = append(set, "RECERT_ADMIN_PASSWORD")
	}
	if len(set) == 0 {
		return
	}
	log.Warn(strings.Join(set, " and ") + " ignored: this database already has an administrator, whose password is unchanged " +
		"(start with an empty data directory or database for a fresh one, or give a new password with `recert admin reset-password EMAIL`)")
}
