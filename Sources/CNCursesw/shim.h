#ifndef OIDC_DOCTOR_CNCURSESW_SHIM_H
#define OIDC_DOCTOR_CNCURSESW_SHIM_H

/* SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, so the wide-character API
   (get_wch, cchar_t, setcchar, mvwadd_wch) must be switched on here. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>   /* setupterm, tigetstr, putp, del_curterm */

/* Attribute macros Swift cannot import (they expand to casts and shifts). */
static inline attr_t od_A_NORMAL(void)    { return A_NORMAL; }
static inline attr_t od_A_BOLD(void)      { return A_BOLD; }
static inline attr_t od_A_REVERSE(void)   { return A_REVERSE; }
static inline attr_t od_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t od_A_DIM(void)       { return A_DIM; }
static inline attr_t od_A_STANDOUT(void)  { return A_STANDOUT; }
static inline int    od_KEY_F(int n)      { return KEY_F(n); }

/* C globals, read through functions so Swift 6 sees no shared mutable state. */
static inline WINDOW *od_stdscr(void) { return stdscr; }
static inline int od_lines(void)      { return LINES; }
static inline int od_cols(void)       { return COLS; }
static inline int od_colors(void)     { return COLORS; }
static inline int od_color_pairs(void){ return COLOR_PAIRS; }

/* tigetstr returns (char *)-1 for "not a string capability" and NULL for "absent". */
static inline const char *od_tigetstr(const char *cap) {
    char *s = tigetstr(cap);
    if (s == NULL || s == (char *)-1) return NULL;
    return s;
}

/* wcwidth is only declared under _XOPEN_SOURCE, which SwiftPM does not pass. -1 = not printable in this locale. */
extern int wcwidth(wchar_t);
static inline int od_wcwidth(wchar_t c) { return wcwidth(c); }

/* Pre-flight check without initscr (which exits on failure): loads $TERM's terminfo entry for fd 1,
   reports whether it has cursor addressing, and leaves cur_term exactly as it was (a live SCREEN
   keeps working). Returns setupterm's result; *err is setupterm's errret (1 ok, 0 unknown, -1 no database). */
static inline int od_probe_terminal(int *err, int *has_cup) {
    TERMINAL *saved = cur_term;
    int rc = setupterm(NULL, 1, err);
    *has_cup = 0;
    if (rc == OK) {
        TERMINAL *mine = cur_term;
        *has_cup = od_tigetstr("cup") != NULL;
        set_curterm(saved);
        if (mine != saved) del_curterm(mine);
    } else {
        set_curterm(saved);
    }
    return rc;
}

#endif
