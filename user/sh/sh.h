/*
 * sh: Kestrel's shell, a POSIX sh for students to read. Text goes through
 * four stages, a file each:
 *
 *   input.c, edit.c  read a line (edit.c: line editing on a terminal,
 *                    complete.c: its tab completion)
 *   lex.c            cut the text into tokens: words, operators,
 *                    redirections, here-document bodies
 *   parse.c          build a tree of nodes from the tokens (the grammar is
 *                    at the top of parse.c)
 *   expand.c         at run time, turn each word into arguments: $VAR and
 *                    ${VAR...}, $(...) and `...`, $((...)) (arith.c),
 *                    quote removal, field splitting, globbing
 *   exec.c           walk the tree: fork, wire pipes and redirections,
 *                    exec, wait; functions, loops, conditions
 *
 * builtin.c holds the builtins (test.c test and [, printf.c printf),
 * var.c the variables, jobs.c the jobs and job control, trap.c the traps,
 * arena.c the memory one command line's tree uses. See docs/sh.md.
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
	TOK_DSEMI, /* ;; ends a case item */
	TOK_AMP,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_NEWLINE,
	TOK_REDIR,
	TOK_END,
};

enum redir_kind {
	REDIR_IN,      /* fd< file */
	REDIR_OUT,     /* fd> file (and fd>| file) */
	REDIR_APPEND,  /* fd>> file */
	REDIR_DUP,     /* fd>&N, fd<&N, or fd>&- to close */
	REDIR_HEREDOC, /* fd<<WORD, fd<<-WORD: the lines up to WORD */
};

struct token {
	enum token_kind kind;
	char *text;            /* TOK_WORD: as written, quotes and all */
	enum redir_kind redir; /* TOK_REDIR */
	int fd;                /* TOK_REDIR: the descriptor redirected */
	/* REDIR_HEREDOC: the body, filled in when the lexer reaches it */
	char *heredoc;
	bool heredoc_quoted; /* the delimiter was quoted: no expansion */
	bool strip_tabs;     /* <<- */
};

struct redir {
	enum redir_kind kind;
	int fd;
	char *target; /* a word, expanded when the command runs; or the
			* here-document's body */
	bool quoted;  /* REDIR_HEREDOC: the body is taken as it is */
	struct redir *next;
};

enum node_kind {
	NODE_SIMPLE,   /* words and redirections */
	NODE_PIPELINE, /* commands joined by |, maybe after ! */
	NODE_AND,      /* left && right */
	NODE_OR,       /* left || right */
	NODE_IF,       /* if cond; then body; else orelse; fi */
	NODE_WHILE,    /* while cond; do body; done */
	NODE_UNTIL,    /* until cond; do body; done */
	NODE_FOR,      /* for name in words; do body; done */
	NODE_CASE,     /* case words[0] in items esac */
	NODE_BRACE,    /* { body; } */
	NODE_SUBSHELL, /* ( body ) */
	NODE_FUNCTION, /* name() body */
};

struct case_item {
	char **patterns;
	int npatterns;
	struct node *body;
	struct case_item *next;
};

/*
 * One node of the tree. A list (what a script, a { }, a loop's body is)
 * is a chain of and-or nodes linked by next; so is a pipeline's chain of
 * commands. Which other fields a node uses depends on its kind.
 */
struct node {
	enum node_kind kind;
	struct node *next; /* the next node of its list or pipeline */
	bool background;   /* a list's node ended by & */
	struct redir *redirs;
	char **words; /* SIMPLE: the words; FOR: the list; CASE: the subject */
	int nwords;
	bool has_in;               /* FOR: "in" was written */
	bool bang;                 /* PIPELINE: ! before it */
	struct node *commands;     /* PIPELINE */
	struct node *left, *right; /* AND, OR */
	struct node *cond, *body;  /* IF, WHILE, UNTIL; body of the rest */
	struct node *orelse;       /* IF: the else or elif part */
	char *name;                /* FOR: the variable; FUNCTION */
	struct case_item *items;   /* CASE */
};

/* The shell's state: what $?, $$, $!, $0..$9, $# read, the set options,
 * and how far break, continue and return unwind. */
struct shell {
	int status;            /* $? */
	pid_t pid;             /* $$: the shell's, even in a subshell */
	pid_t last_background; /* $! */
	int argc;              /* $#, counting $0 */
	char **argv;           /* $0, $1, ... */
	bool interactive;
	bool job_control; /* interactive on a terminal: set -m */
	pid_t pgid;       /* the shell's own process group */
	bool errexit;     /* set -e */
	bool xtrace;      /* set -x */
	bool nounset;     /* set -u */
	bool noglob;      /* set -f */
	int condition;    /* >0: in an if/while test or a && || left */
	int loops;        /* loops we are inside, for break/continue */
	int breaking;     /* loops still to leave (break N) */
	int continuing;   /* loops to leave before continuing one */
	bool returning;   /* return: leave the function */
	int functions;    /* function calls we are inside */
	int subst_status; /* the status of the last $( ) */
	bool forked;      /* a child running part of a script */
};

extern struct shell shell;

/* arena.c: memory that lives until arena_reset(), after each line.
 * arena_mark/arena_release give back what a command used; arena_keep
 * keeps what is there (a function's tree) for good. */
struct arena_mark {
	void *chunk;
	size_t used;
	unsigned generation;
};
void *arena_alloc(size_t size);
char *arena_strndup(const char *s, size_t len);
struct arena_mark arena_mark(void);
void arena_release(struct arena_mark m);
void arena_keep(void);
void arena_reset(void);

/* lex.c */
enum sh_result lex(const char *text, struct token **tokens);
/* Where the $( ) or ` ` starting at P ends (just past it); NULL if the
 * text ends first. */
const char *lex_skip_subst(const char *p);

/* parse.c: the list TOKENS make (NULL: nothing but blanks). */
enum sh_result parse(struct token *tokens, struct node **list);

/* expand.c: the arguments WORDS[0..N) make, NULL-terminated, in the arena;
 * *argc gets their number. */
char **expand_words(char **words, int n, int *argc);
/* One word as one string, without field splitting or globbing (an
 * assignment's value, a case subject, a redirection target). */
char *expand_string(const char *word);
/* A word as a pattern: quoted characters stay literal (case, ${x%pat}). */
char *expand_pattern(const char *word);
/* A here-document's body: $ ` and \ work, quotes are plain characters. */
char *expand_heredoc(const char *body);

/* arith.c: the value of an $(( )) expression whose parameters are already
 * expanded; false with a message on a syntax error. */
bool arith_eval(const char *expr, long *value);

/* exec.c */
int exec_list(struct node *list);
/* Lexes, parses and runs TEXT (eval, ., sh -c, $( )); 2 on a syntax
 * error. */
int exec_text(const char *text);
void exec_program(char **argv) __attribute__((noreturn));
/* Runs the EXIT trap and exits with STATUS. */
void sh_exit(int status) __attribute__((noreturn));

/* builtin.c: runs ARGV if it names a builtin, sets *status; false if not. */
bool builtin_run(char **argv, int *status);
bool builtin_is(const char *name);
/* POSIX's special builtins: their assignments stay after they end. */
bool builtin_is_special(const char *name);
/* The i-th builtin's name (0, 1, ...), NULL past the last. */
const char *builtin_name(size_t i);
/* test.c: test and [ */
int builtin_test(char **argv);
/* printf.c */
int builtin_printf(char **argv);

/* var.c */
const char *var_get(const char *name);
void var_set(const char *name, const char *value);
void var_export(const char *name, const char *value);
void var_unset(const char *name);
/* The length of NAME in "NAME=value", or 0 if WORD is no assignment. */
size_t var_assignment(const char *word);
bool var_is_name(const char *s);
/* Functions: defined by name() { ...; }, kept for good. */
void var_set_function(const char *name, struct node *body);
struct node *var_function(const char *name);

/* jobs.c */
/* Waits for the foreground job whose processes are PIDS[0..N) (in
 * process group PGID under job control); its status, the last one's. A
 * job stopped by ^Z goes into the table as TEXT. */
int jobs_foreground(pid_t *pids, int n, pid_t pgid, const char *text);
void jobs_add(pid_t pid, pid_t pgid, const char *text);
void jobs_reap(bool report);
int jobs_wait(pid_t pid);
/* In a child: joins process group PGID (0: a new one of its own) and,
 * in the foreground, takes the terminal. */
void jobs_child_setup(pid_t pgid, bool foreground);
/* The builtins jobs, fg, bg. */
int jobs_list(char **argv);
int jobs_fg(char **argv);
int jobs_bg(char **argv);
void jobs_init(void);

/* trap.c */
int trap_builtin(char **argv);
/* Runs the commands of traps whose signal arrived. */
void trap_run_pending(void);
void trap_run_exit(void);
/* In a child: traps set with commands go back to the default. */
void trap_reset_in_child(void);

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
