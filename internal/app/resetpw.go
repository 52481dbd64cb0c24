package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/recert-dev/recert/internal/auth"
	"github.com/recert-dev/recert/internal/recert"
	"github.com/recert-dev/recert/internal/store"
)

// resetPasswordUsage is how `recert admin reset-password` is called.
const resetPasswordUsage = "usage: recert admin reset-password EMAIL [--password-stdin]"

// resetPassword gives the account with this email a new password and ends its sign-ins
// (the refresh tokens it holds are revoked). The password is generated and printed once,
// or, with fromStdin, read from the first line of stdin and held to the password policy.
func resetPassword(ctx context.Context, st *store.Store, email string, fromStdin bool, stdin io.Reader, stdout io.Writer, params auth.Argon2Params) error {
	u, _, err := st.UserByEmail(ctx, email)
	if recert.ErrorCode(err) == recert.ENOTFOUND {
		return fmt.Errorf("no account with the email %s", email)
	} else if err != nil {
		return err
	}
	password := rand.Text()
	if fromStdin {
		if password, err = readPassword(stdin); err != nil {
			return err
		}
		if err := auth.CheckPassword(password, u.Email, u.Name); err != nil {
			return err
		}
	}
	hash, err := auth.HashPassword(password, params)
	if err != nil {
		return err
	}
	if _, err := st.UpdateUser(ctx, u.ID, recert.UserChange{PasswordHash: &hash}, "recert admin reset-password"); err != nil {
		return err
	}
	if fromStdin {
		_, err = fmt.Fprintf(stdout, "The password of %s is changed; its sign-ins have ended.\n", u.Email)
		return err
	}
	_, err = fmt.Fprintf(stdout, "The new password of %s, shown only now (its sign-ins have ended):\n%s\n", u.Email, password)
	return err
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

// adminCommand runs `recert admin …`.
func adminCommand(ctx context.Context, args []string, withStore func(func(*store.Store) error) error, stdin io.Reader, stdout io.Writer) error {
	if len(args) < 2 || args[0] != "reset-password" {
		return errors.New(resetPasswordUsage)
	}
	var email string
	fromStdin := false
	for _, a := range args[1:] {
		switch {
		case a == "--password-stdin":
			fromStdin = true
		case email == "" && !strings.HasPrefix(a, "-"):
			email = a
		default:
			return errors.New(resetPasswordUsage)
		}
	}
	if email == "" {
		return errors.New(resetPasswordUsage)
	}
	return withStore(func(st *store.Store) error {
		return resetPassword(ctx, st, email, fromStdin, stdin, stdout, auth.DefaultArgon2Params)
	})
}
