"""PDF reports: results -> view model -> charts -> HTML templates -> WeasyPrint."""
