from domeinwacht.cli import main

raise SystemExit(main())
