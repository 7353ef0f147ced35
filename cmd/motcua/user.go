package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/motcua/motcua/config"
	"github.com/motcua/motcua/service"
)

// userCommand runs `motcua user create …` or `motcua user unlock USERNAME`.
func userCommand(cfg config.Config, args []string, in io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(userUsage)
	}
	switch args[0] {
	case "create":
		return userCreate(cfg, args[1:], in, out)
	case "unlock":
		return userUnlock(cfg, args[1:], out)
	case "revoke-sessions":
		return userRevokeSessions(cfg, args[1:], out)
	}
	return fmt.Errorf("user: unknown action %q (create, unlock, revoke-sessions)", args[0])
}

// userUsage is how the user subcommand is called.
const userUsage = "usage: motcua user create --role ROLE --username U [--board CODE] [--email E] [--full-name N]\n" +
	"       motcua user unlock USERNAME\n" +
	"       motcua user revoke-sessions USERNAME|--all"

// userRevokeSessions ends the sign-ins of one account, or of all
// (--all): after a leaked token, a lost laptop, or a rotation.
func userRevokeSessions(cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 || args[0] == "" {
		return errors.New("usage: motcua user revoke-sessions USERNAME|--all")
	}
	all := args[0] == "--all"
	eng, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	n, err := newService(cfg, db, nil, eng, nil).RevokeSessions(context.Background(), args[0], all)
	if err != nil {
		return err
	}
	who := args[0]
	if all {
		who = "mọi tài khoản / every account"
	}
	fmt.Fprintf(out, "đã chấm dứt %d phiên đăng nhập của %s / ended %d sign-ins of %s\n", n, who, n, who)
	return nil
}

// userCreate makes an account as the installation's operator: the first
// administrator of an empty install, or any account later. The password is
// read from the terminal (twice, not echoed), or from the first line of
// standard input.
func userCreate(cfg config.Config, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(out)
	role := fs.String("role", "", "admin, manager, leader, officer or investor")
	username := fs.String("username", "", "the sign-in name")
	board := fs.String("board", "", "the board's code (staff; an admin without one manages every board)")
	email := fs.String("email", "", "where notifications go")
	fullName := fs.String("full-name", "", "the person's name")
	department := fs.String("department", "", "the officer's department")
	if err := fs.Parse(args); err != nil {
		return err
	}
	password, err := readPassword(in, out)
	if err != nil {
		return err
	}
	eng, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	svc := newService(cfg, db, nil, eng, nil)
	u, err := svc.CreateAccount(context.Background(), userInput(*username, *fullName, *role, *department, *email, password), *board)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "đã tạo tài khoản / created account %s (%s, id %d)\n", u.Username, u.Role, u.ID)
	return nil
}

// readPassword reads the new password: twice without echo on a terminal,
// else the first line of in.
func readPassword(in io.Reader, out io.Writer) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(out, "Mật khẩu / password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("user: read password: %w", err)
		}
		fmt.Fprint(out, "Nhập lại / again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("user: read password: %w", err)
		}
		if string(first) != string(again) {
			return "", errors.New("user: hai lần nhập mật khẩu khác nhau / the passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("user: read password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// userUnlock lifts an account's sign-in lock.
func userUnlock(cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: motcua user unlock USERNAME")
	}
	eng, db, err := openCurrent(cfg)
	if err != nil {
		return err
	}
	n, err := newService(cfg, db, nil, eng, nil).UnlockUser(context.Background(), args[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "đã mở khóa / unlocked %s (%d lần đăng nhập sai đã xóa / failed sign-ins cleared)\n", args[0], n)
	return nil
}

// userInput builds the service's input for a new account.
func userInput(username, fullName, role, department, email, password string) service.UserInput {
	return service.UserInput{Username: username, FullName: fullName, Role: role, Department: department, Email: email,
		Password: password}
}
