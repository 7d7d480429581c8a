"""Qt-free reports: statement figures, PDFs and exports."""
