/*
 * sh: Kestrel's shell. A line goes through four stages, a file each:
 *
 *   input.c, edit.c  read a line (edit.c: line editing on a terminal,
 *                    complete.c: its tab completion)
 *   lex.c            cut it into tokens: words, operators, redirections
 *   parse.c          build jobs from the tokens: job = pipelines joined by
 *                    && and ||; pipeline = commands joined by |
 *   expand.c         at run time, turn each word into arguments: $VAR,
 *                    quote removal, field splitting, globbing
 *   exec.c           fork, wire pipes and redirections, exec, wait
 *
 * builtin.c holds cd, exit, export, unset and wait; var.c the variables;
 * jobs.c the background jobs; arena.c the memory one line's parse uses.
 * See docs/userland.md.
 */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What lex() and parse() report. */
enum sh_result {
	SH_OK,
	SH_MORE,  /* the input stops mid-construct: read another line */
	SH_ERROR, /* a syntax error, already reported */
};

enum token_kind {
	TOK_WORD,
	TOK_PIPE,
	TOK_AND,
	TOK_OR,
	TOK_SEMI,
	TOK_AMP,
	TOK_NEWLINE,
	TOK_REDIR,
	TOK_END,
};

enum redir_kind {
	REDIR_IN,     /* fd< file */
	REDIR_OUT,    /* fd> file */
	REDIR_APPEND, /* fd>> file */
	REDIR_DUP,    /* fd>&N, fd<&N, or fd>&- to close */
};

struct token {
	enum token_kind kind;
	char *text;            /* TOK_WORD: as written, quotes and all */
	enum redir_kind redir; /* TOK_REDIR */
	int fd;                /* TOK_REDIR: the descriptor redirected */
};

struct redir {
	enum redir_kind kind;
	int fd;
	char *target; /* a word, expanded when the command runs */
	struct redir *next;
};

/* One simple command: words (assignments first) and redirections. */
struct command {
	char **words;
	int nwords;
	struct redir *redirs;
	struct command *next; /* the next command of the pipeline */
};

struct pipeline {
	struct command *commands;
	enum token_kind connector; /* TOK_AND or TOK_OR to the next, or TOK_END */
	struct pipeline *next;
};

/* What one ; or & or newline ends. */
struct job {
	struct pipeline *pipelines;
	bool background;
	struct job *next;
};

/* The shell's state that $?, $$, $!, $0..$9 and $# read. */
struct shell {
	int status;            /* $? */
	pid_t last_background; /* $! */
	int argc;              /* $#, counting $0 */
	char **argv;           /* $0, $1, ... */
	bool interactive;
};

extern struct shell shell;

/* arena.c: memory that lives until arena_reset(), after each line. */
void *arena_alloc(size_t size);
char *arena_strndup(const char *s, size_t len);
void arena_reset(void);

/* lex.c */
enum sh_result lex(const char *line, struct token **tokens);

/* parse.c */
enum sh_result parse(struct token *tokens, struct job **jobs);

/* expand.c: the arguments WORDS[0..N) make, NULL-terminated, in the arena;
 * *argc gets their number. */
char **expand_words(char **words, int n, int *argc);
/* One word that must stay one field (a redirection target); NULL and a
 * message if it does not. */
char *expand_one(const char *word);

/* exec.c */
void exec_jobs(struct job *jobs);
void exec_program(char **argv) __attribute__((noreturn));

/* builtin.c: runs ARGV if it names a builtin, sets *status; false if not. */
bool builtin_run(char **argv, int *status);
bool builtin_is(const char *name);
/* The i-th builtin's name (0, 1, ...), NULL past the last. */
const char *builtin_name(size_t i);

/* var.c */
const char *var_get(const char *name);
void var_set(const char *name, const char *value);
void var_export(const char *name, const char *value);
void var_unset(const char *name);
/* The length of NAME in "NAME=value", or 0 if WORD is no assignment. */
size_t var_assignment(const char *word);

/* jobs.c */
void jobs_add(pid_t pid, const char *text);
void jobs_reap(bool report);
int jobs_wait(pid_t pid);

/* input.c: the next line without its newline (malloc'd), NULL at the end. */
void input_from_fd(int fd);
void input_from_string(const char *s);
char *input_line(const char *prompt);

/* edit.c: reads a line on terminal FD with editing and history; NULL at
 * end of input or ^C; NULL with *editing cleared if FD is no terminal
 * we can set up. */
char *edit_line(int fd, const char *prompt, bool *editing);
void edit_history_add(const char *line);

/* complete.c: what WORD (the text before the cursor, from the start of
 * the word) may complete to: commands (builtins and programs in PATH)
 * when COMMAND, else paths, a directory's with a '/' after it. Sorted,
 * without duplicates; *n of them, in a malloc'd array of malloc'd
 * strings (complete_free). */
char **complete(const char *word, bool command, size_t *n);
void complete_free(char **c, size_t n);

/* main.c: true once ^C was typed; cleared by the reader. */
extern volatile int interrupted;

#endif
